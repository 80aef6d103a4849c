"""What the tests share, grouped by what it is for (in the style of Warehouse's ``tests/common``).

- ``app``: the app under test, the database it runs on, counting queries, where artifacts go.
- ``accounts``: the test accounts and their password, invitation forms, links mailed to people.
- ``http``: a test client as a browser uses the site: CSRF tokens, signing in, posting forms.
- ``files``: files the tests upload or read back (a PNG, the text of a PDF).
- ``filing``: the filing world (an open cycle, company A's draft) and the filing forms.
- ``review``: moving a disclosure through review to publication.
- ``tlog``: the transparency vectors, reference leaves, logs of n entries, evidence bundles.
- ``witness``: witness processes (`tracker witness serve`) on loopback, add-checkpoint posts.
- ``tamper``: rewriting the record behind the application's back (the append-only triggers lifted).
- ``browser``: Chromium through Playwright: pages, signing in, the demo's people and items.

Test modules import from here, never from each other or from a conftest (enforced by
``tests/test_test_support.py``); conftest files hold only fixtures and hooks.
"""
