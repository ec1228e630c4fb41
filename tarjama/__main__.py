from tarjama.translate.cli import main

main()
