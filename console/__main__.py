import sys

from console.repl import main

sys.exit(main())
