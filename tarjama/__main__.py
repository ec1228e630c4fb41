from tarjama.cli import main

main()
