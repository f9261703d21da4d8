from headwater.cli import main

raise SystemExit(main())
