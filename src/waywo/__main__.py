from waywo.cli import main

main()
