"""The access conditions of SPEC 2 and 21 and the first attestation texts: data regulators
edit afterwards (a new attestation version replaces the one in force)."""

CONDITIONS = [
    (1, "Public download, no registration.", "Download freely: no request is needed."),
    (
        2,
        "Download requires identity verification and a use attestation.",
        "Sign in (or sign up) and request access: the developer verifies your identity and you accept the use "
        "attestation.",
    ),
    (
        3,
        "Research-only access with institutional verification and an access audit register.",
        "Request access stating your research purpose: your verified research institution confirms your "
        "affiliation and the developer approves. Grants last 12 months and are recorded in the access register.",
    ),
    (4, "No open release; monitored API access only.", "The weights are not released: no access can be requested."),
]

ATTESTATIONS = [
    (
        2,
        "1",
        "I will use these weights lawfully, will not use them to develop biological, chemical, nuclear or cyber "
        "weapons, and will not redistribute them to anyone who has not made this attestation.",
    ),
    (
        3,
        "1",
        "I will use these weights only for the research purpose I stated, within my institution, keep them "
        "secured against access by others, report safety-relevant findings to the developer, and not "
        "redistribute them. My access is recorded in the access audit register.",
    ),
]


def install_defaults(condition_model, attestation_model) -> None:
    for tier, summary, how in CONDITIONS:
        condition_model.objects.get_or_create(tier=tier, defaults={"summary": summary, "how_to_request": how})
    for tier, version, text in ATTESTATIONS:
        if not attestation_model.objects.filter(tier=tier).exists():
            attestation_model.objects.create(tier=tier, version=version, text=text, in_force=True)
