from gradation.entry import main

main()
