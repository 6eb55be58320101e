"""The learning spam filter and the moderators' rules.

- ``normalise``, ``features``, ``classifier``: what the filter reads in a comment and its
  arithmetic (pure functions);
- ``models``: the learned counts, each comment's evidence, the rules;
- ``store``: reading and updating the counts in the database (one query each way);
- ``rules``: matching a comment against every rule in one query;
- ``screening``: what ``comment_create`` asks before writing a comment;
- ``learning``: what a moderator's decision teaches, training from stored statuses, reset;
- ``evaluate``: the throwaway model of ``manage.py spamfilter evaluate``.
"""
