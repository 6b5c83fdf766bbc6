import ClustertopCLI

Clustertop.main()
