"""The test suite. Imported before any test module or conftest, so before torch or CTranslate2:
what is set here holds for the session's own engines and for every process a test starts."""

import os

# One OpenMP thread (torch and CTranslate2): the tiny model's matrices are too small to share out,
# and on a loaded 2-core machine two threads spinning per forward step cost several times the CPU
# (test_batch's transformers case at load 8: 64 s -> 1 s). Tests of thread choices set their own.
os.environ.setdefault("OMP_NUM_THREADS", "1")
