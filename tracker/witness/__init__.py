"""A tlog-witness (C2SP tlog-witness): its own process, key and state, no part of the app.

Another organisation runs ``tracker witness serve`` on its machine: it accepts a log's new
checkpoint only with a valid consistency proof from the last one it cosigned, persists that
in its own SQLite file, and answers with a timestamped cosignature (cosignature/v1). It
imports nothing of the Flask app or its database: only :mod:`tracker.verify` and the domain.

- ``keys``: the witness's Ed25519 key in its state directory (mode 0600).
- ``store``: the state: per origin the latest cosigned size, root and note, compare-and-swap.
- ``services``: ``add_checkpoint``, the protocol's decision and status codes (§6.2).
- ``wsgi``: the HTTP endpoints as a WSGI app, served by the standard library.
- ``cli``: ``tracker witness keygen`` and ``tracker witness serve``.
"""
