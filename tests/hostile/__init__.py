"""Small generators for the hostile-input corpus (``tests/test_hostile.py``) and the fuzz test.

Nothing large lives here: big or junk files are generated at test time into ``tmp_path``.
"""
