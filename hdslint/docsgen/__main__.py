import sys

from hdslint.docsgen import main

sys.exit(main())
