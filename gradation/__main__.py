from gradation.cli import main

main()
