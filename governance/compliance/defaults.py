"""The default obligation templates of SPEC section 9: (tier, kind, period in months or
None for event-driven, description)."""

DEFAULT_TEMPLATES = [
    (3, "institutional_verification", 3, "Verify the institutions granted research access."),
    (3, "access_register_audit", 3, "Audit the access register of who downloaded the weights."),
    (3, "security_attestation", 12, "Attest the security of weight storage and distribution."),
    (3, "incident_report", None, "Report any incident within 72 hours."),
    (4, "api_monitoring_report", 1, "Report on monitoring of API access and misuse."),
    (4, "no_weights_release_attestation", 3, "Attest that the weights have not been released."),
    (4, "security_attestation", 6, "Attest the security of weight storage and the API."),
    (4, "incident_report", None, "Report any incident within 72 hours."),
]


def install_default_templates(template_model) -> None:
    for tier, kind, period, description in DEFAULT_TEMPLATES:
        template_model.objects.get_or_create(
            tier=tier, kind=kind, defaults={"period_months": period, "description": description}
        )
