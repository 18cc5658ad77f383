def test_peek(live_app, cast):
    print("\nCAST", cast)
