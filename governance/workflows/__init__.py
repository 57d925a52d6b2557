"""Workflows: the one layer that writes across apps (SPEC section 24).

A domain app writes only its own tables (and, through their services, audit events and
inbox rows). What one change causes in other apps — a determination in force creating
obligations, opening re-reviews, acting on access grants, re-deciding derivatives — is
written here, above the apps, and only here.

Lock order, the same in every workflow so that two never wait on each other in a cycle:

1. model rows (``registry_aimodel``), in id order — the pipeline's first statement;
2. the determinations, cases, obligations and grants of those models;
3. the case counter (references of re-reviews opened as a consequence);
4. the audit chain's head, taken by the last write of the transaction (``appended_last``).
"""
