from hdslint.cli import main

raise SystemExit(main())
