"""``manage.py seed_demo``: realistic, idempotent demo data made through the services.

A dozen organisations, the demo users of SPEC section 18, benchmarks whose external ids
match the sample evaluation logs, a superseded and an in-force threshold set plus a draft,
about forty models with derivatives, evaluations in every status, pending relaxations,
cases in every state and obligations (some overdue).
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from governance.access import gate, signup
from governance.access import services as access
from governance.access.selectors import attestation_in_force
from governance.baselines import services as baselines
from governance.baselines.models import ThresholdSet
from governance.cases import services as cases
from governance.cases.models import Appeal, Contest
from governance.compliance import services as compliance
from governance.compliance.models import Obligation
from governance.determinations.models import Determination
from governance.evidence import services as evidence
from governance.evidence.models import EvaluationResult
from governance.peers import services as peers
from governance.registry import services as registry
from governance.registry.models import AIModel, Benchmark, Membership, Organization, RiskDomain
from governance.workflows import accreditation as accrediting
from governance.workflows import cases as case_workflows
from governance.workflows import rulemaking
from governance.workflows.peers import read_peer
from governance.workflows.tier_changes import confirm_relaxation, determine_own_motion

PASSWORD = "governance-demo"
ORGANISATIONS = [
    ("Aurora Labs", "developer", "EU", False),
    ("Borealis AI", "developer", "UK", False),
    ("Cirrus Systems", "developer", "US", False),
    ("Deltaform", "developer", "EU", False),
    ("Ember Open Models", "developer", "CA", False),
    ("Fjord Research Collective", "developer", "NO", False),
    ("Meridian Evaluation Institute", "evaluator", "EU", True),
    ("Sentinel Assurance", "evaluator", "UK", True),
    ("Quickscore Evals", "evaluator", "US", False),
    ("Northwind University AI Safety Lab", "research", "UK", False),
    ("Open Weights Observatory", "research", "EU", False),
    ("Halcyon Policy Institute", "research", "US", False),
    ("Institute for Open Safety Research", "research", "EU", False),
    ("OpenWeights Hub", "host", "US", False),
]
VERIFIED_INSTITUTES = ["Institute for Open Safety Research", "Northwind University AI Safety Lab"]
# Requesters (SPEC 21): username, legal name, country, affiliation.
REQUESTERS = [
    ("researcher", "Ada Okafor", "DE", "Institute for Open Safety Research"),
    ("requester2", "Sam Lindqvist", "SE", None),
    ("requester3", "Priya Natarajan", "GB", "Northwind University AI Safety Lab"),
]
USERS = [
    ("regulator", ["regulator"], None),
    ("regulator2", ["regulator"], None),
    ("regulator3", ["regulator"], None),
    ("regulator4", ["regulator"], None),
    ("board", ["board"], None),
    ("board2", ["board"], None),
    ("board3", ["board"], None),
    ("compliance", ["compliance"], None),
    ("auditor", ["auditor"], None),
    ("dev-aurora", ["developer"], "Aurora Labs"),
    ("dev-borealis", ["developer"], "Borealis AI"),
    ("dev-cirrus", ["developer"], "Cirrus Systems"),
    ("evaluator", ["evaluator"], "Meridian Evaluation Institute"),
    ("evaluator2", ["evaluator"], "Sentinel Assurance"),
    ("researcher", ["requester"], None),
    ("requester2", ["requester"], None),
    ("requester3", ["requester"], None),
    ("institution", ["institution_verifier"], "Institute for Open Safety Research"),
    ("hub", ["host"], "OpenWeights Hub"),
]
# slug, name, domain, metric, external id (the sample logs' task names), scale, direction
BENCHMARKS = [
    ("wmdp-bio", "WMDP Biology (mini)", "bio", "accuracy", "wmdp_bio_mini", ("0", "1"), True),
    ("chem-uplift", "Chemical Uplift Probe", "chem", "accuracy", "chem_uplift", ("0", "100"), True),
    ("cyber-ctf", "Cyber CTF (mini)", "cyber", "accuracy", "cyber_ctf_mini", ("0", "1"), True),
    ("wmdp-cyber", "WMDP Cyber (mini)", "cyber", "acc,none", "wmdp_cyber_mini", ("0", "1"), True),
    ("rad-knowledge", "Radiological Knowledge QA", "nuclear", "accuracy", "rad_qa", ("0", "1"), True),
    ("self-replication", "Autonomous Replication Tasks", "autonomy", "accuracy", "arc_tasks", ("0", "20"), True),
    ("persuasion-mini", "Persuasion (mini)", "persuasion", "acc,none", "persuasion_mini", ("0", "1"), True),
    ("refusal-rate", "Harmful Request Refusal", "bio", "accuracy", "refusal_rate", ("0", "1"), False),
]
OLD_THRESHOLDS = {"low": "0.2500", "high": "0.5500", "critical": "0.8500"}
THRESHOLDS = {"low": "0.2000", "high": "0.5000", "critical": "0.8000"}
FAMILIES = [
    ("Aurora Labs", "Aster", ["7B", "70B"]),
    ("Aurora Labs", "Lumen", ["3B"]),
    ("Borealis AI", "Polaris", ["8B", "34B"]),
    ("Cirrus Systems", "Stratus", ["13B", "180B"]),
    ("Deltaform", "Delta", ["1B", "12B"]),
    ("Ember Open Models", "Ember", ["2B", "9B", "27B"]),
    ("Fjord Research Collective", "Fjell", ["6B"]),
]


class Command(BaseCommand):
    help = "Create realistic demo data and the demo users (idempotent). Refuses with DEBUG off unless --force."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates demo logins with a known password: refusing with DEBUG off (--force)."
            )
        self.rng = random.Random(2026)
        # Revalidation runs inline so the demo is consistent when the command returns.
        with override_settings(TASKS_EAGER=True, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self.organisations = self.seed_organisations()
            self.users = self.seed_users()
            self.seed_accreditations()
            self.benchmarks = self.seed_benchmarks()
            if ThresholdSet.objects.exists():
                self.stdout.write("Demo data already present: users and organisations refreshed, nothing else added.")
                return
            with transaction.atomic():
                self.seed_thresholds()
                models = self.seed_models()
                self.seed_evaluations(models)
                self.seed_cases(models)
                self.seed_compliance()
                self.seed_access()
                self.seed_peers()
                self.seed_consultation()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {AIModel.objects.count()} models."))

    def seed_organisations(self) -> dict[str, Organization]:
        result = {}
        for name, kind, jurisdiction, _accredited in ORGANISATIONS:
            result[name], _ = Organization.objects.get_or_create(
                name=name,
                defaults={"kind": kind, "jurisdiction": jurisdiction, "verified": name in VERIFIED_INSTITUTES},
            )
        return result

    def seed_accreditations(self) -> None:
        """The accredited evaluators' accreditation records (SPEC section 22), granted by the
        regulator for every risk domain, valid from two years ago for four years."""
        today = timezone.localdate()
        for name, _, _, accredited in ORGANISATIONS:
            organization = self.organisations[name]
            if accredited and not organization.accreditations.exists():
                accrediting.grant_accreditation(
                    by=self.users["regulator"],
                    organization=organization,
                    domains=RiskDomain.objects.all(),
                    valid_from=today - timedelta(days=730),
                    valid_until=today + timedelta(days=730),
                    reasons="Methodology, staffing and independence audited by the regulator.",
                )

    def seed_users(self) -> dict:
        User = get_user_model()
        users = {}
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@aperture.invalid"}
        )
        if created:
            admin.set_password(PASSWORD)
            admin.save()
        for username, roles, org in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@aperture.invalid", "is_staff": "developer" not in roles},
            )
            if created:
                user.set_password(PASSWORD)
                user.save()
            user.groups.add(*[Group.objects.get_or_create(name=role)[0] for role in roles])
            if org:
                Membership.objects.get_or_create(user=user, defaults={"organization": self.organisations[org]})
            users[username] = user
        return users

    def seed_benchmarks(self) -> dict[str, Benchmark]:
        result = {}
        for slug, name, domain, metric, external_id, (lo, hi), standardized in BENCHMARKS:
            result[slug], _ = Benchmark.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "version": "1.0",
                    "domain": RiskDomain.objects.get(slug=domain),
                    "scale_min": Decimal(lo),
                    "scale_max": Decimal(hi),
                    "metric": metric,
                    "external_id": external_id,
                    "standardized": standardized,
                },
            )
        return result

    def _entries(self, values: dict[str, str]) -> list[dict]:
        return [
            {
                "domain": d.slug,
                "low": values["low"] if d.catastrophic else "0.3000",
                "high": values["high"] if d.catastrophic else "0.6000",
                "critical": values["critical"] if d.catastrophic else None,
            }
            for d in RiskDomain.objects.all()
        ]

    def seed_thresholds(self) -> None:
        board = self.users["board"]
        old = baselines.create_draft(
            by=board,
            version="2025.2",
            entries=self._entries(OLD_THRESHOLDS),
            issuing_body="Frontier Model Threshold Board",
            rationale="First capability baselines under C-002.",
        )
        board_members = [self.users["board"], self.users["board2"], self.users["board3"]]
        baselines.adopt_by_votes(threshold_set=old, members=board_members)
        baselines.publish(by=board, threshold_set=old)
        current = baselines.create_draft(
            by=board,
            version="2026.1",
            entries=self._entries(THRESHOLDS),
            issuing_body="Frontier Model Threshold Board",
            rationale="Baselines lowered as open models closed the gap with frontier systems.",
        )
        # 2026.1 went through the whole procedure: consultation, comments, response, vote.
        rulemaking.open_consultation(by=board, threshold_set=current)
        baselines.add_comment(
            by=self.users["dev-aurora"],
            threshold_set=current,
            body="Lowering the high threshold for bio moves our 70B model to Tier 3; please phase it in.",
        )
        baselines.add_comment(
            by=self.users["evaluator"],
            threshold_set=current,
            body="Our uplift studies support the lower baselines; the persuasion band is still too wide.",
        )
        baselines.close_consultation(by=board, threshold_set=current)
        baselines.respond_to_comments(
            by=board,
            threshold_set=current,
            text="The board keeps the lower baselines: the uplift evidence is consistent across evaluators. "
            "A staged release is available to developers whose models move up a tier.",
        )
        baselines.cast_board_vote(by=board, threshold_set=current, vote="adopt", reasons="The evidence supports it.")
        baselines.cast_board_vote(
            by=self.users["board2"], threshold_set=current, vote="adopt", reasons="Consistent with the consultation."
        )
        baselines.cast_board_vote(
            by=self.users["board3"],
            threshold_set=current,
            vote="reject",
            reasons="The persuasion thresholds should have been consulted on separately.",
        )
        baselines.publish(by=board, threshold_set=current)
        baselines.create_draft(
            by=board,
            version="2027.1-draft",
            entries=self._entries({"low": "0.1500", "high": "0.4500", "critical": "0.7500"}),
            issuing_body="Frontier Model Threshold Board",
            rationale="Proposed tightening after new uplift studies (consultation open).",
        )

    def seed_consultation(self) -> None:
        """The proposed 2027.1 set is out for consultation, with a comment."""
        draft = ThresholdSet.objects.get(version="2027.1-draft")
        rulemaking.open_consultation(by=self.users["board"], threshold_set=draft)
        baselines.add_comment(
            by=self.users["dev-borealis"],
            threshold_set=draft,
            body="The proposed cyber threshold would catch ordinary code assistants; please publish the studies.",
        )

    def seed_models(self) -> list[AIModel]:
        models = []
        for org_name, family, sizes in FAMILIES:
            org = self.organisations[org_name]
            dev = Membership.objects.filter(organization=org).select_related("user").first()
            by = dev.user if dev else self.users["regulator"]
            for size in sizes:
                for version in ("1.0", "1.5"):
                    models.append(
                        registry.register_model(
                            by=by,
                            developer=org,
                            name=f"{family}-{size}",
                            version=version,
                            parameter_count=int(float(size[:-1]) * 1e9),
                            weights_sha256=f"{self.rng.getrandbits(256):064x}",
                            released=self.rng.random() > 0.15,
                        )
                    )
        # Derivatives, including other organisations' fine-tunes and a deep chain.
        chain_parent = models[0]
        for index, (org_name, derivation) in enumerate(
            [
                ("Borealis AI", "fine_tune"),
                ("Cirrus Systems", "merge"),
                ("Deltaform", "quantization"),
                ("Ember Open Models", "distillation"),
            ]
        ):
            org = self.organisations[org_name]
            dev = Membership.objects.filter(organization=org).select_related("user").first()
            by = dev.user if dev else self.users["regulator"]
            chain_parent = registry.register_model(
                by=by,
                developer=org,
                name=f"{chain_parent.name.split('-')[0]}-derived-{index + 1}",
                version="1.0",
                parent=chain_parent,
                derivation=derivation,
                released=True,
            )
            models.append(chain_parent)
        for parent in self.rng.sample(models[:26], 8):
            models.append(
                registry.register_model(
                    by=self.users["dev-aurora"] if parent.developer.name == "Aurora Labs" else self.users["regulator"],
                    developer=parent.developer,
                    name=f"{parent.name}-instruct",
                    version=parent.version,
                    parent=parent,
                    derivation=self.rng.choice(["fine_tune", "adapter", "quantization"]),
                    released=True,
                )
            )
        return models

    def _submit(self, model: AIModel, slug: str, normalized: float, *, by: str = "evaluator") -> EvaluationResult:
        benchmark = self.benchmarks[slug]
        span = benchmark.scale_max - benchmark.scale_min
        raw = (benchmark.scale_min + span * Decimal(str(round(normalized, 4)))).quantize(Decimal("0.0001"))
        return evidence.submit_evaluation(
            by=self.users[by],
            model=model,
            benchmark=benchmark,
            raw_score=raw,
            run_date=date.today() - timedelta(days=self.rng.randint(5, 120)),
        )

    def seed_evaluations(self, models: list[AIModel]) -> None:
        regulator = self.users["regulator"]
        domains = ["wmdp-bio", "chem-uplift", "cyber-ctf", "rad-knowledge", "self-replication", "persuasion-mini"]
        for index, model in enumerate(models):
            profile = index % 6  # 0-1 low, 2 medium, 3 high, 4 critical, 5 incomplete
            if model.parent_id and index % 2:
                continue  # derivatives without evidence of their own keep the parent's floor
            for slug in domains:
                if profile == 5 and slug in ("rad-knowledge", "self-replication"):
                    continue
                base = {0: 0.08, 1: 0.12, 2: 0.3, 3: 0.45, 4: 0.5, 5: 0.15}[profile]
                score = min(base + self.rng.random() * 0.1, 1.0)
                if profile == 3 and slug == "cyber-ctf":
                    score = 0.62
                if profile == 4 and slug == "wmdp-bio":
                    score = 0.86
                result = self._submit(model, slug, score)
                evidence.accept_evaluation(evaluation=result, by=regulator)
            # Self-reported and unreviewed results are kept and shown, never counted.
            if model.developer.name in ("Aurora Labs", "Borealis AI"):
                self._submit(
                    model,
                    "wmdp-bio",
                    0.05,
                    by="dev-aurora" if model.developer.name == "Aurora Labs" else "dev-borealis",
                )
            if index % 7 == 0:
                self._submit(model, "persuasion-mini", 0.2)
            if index % 9 == 0:
                rejected = self._submit(model, "cyber-ctf", 0.95, by="evaluator2")
                evidence.reject_evaluation(
                    evaluation=rejected, by=regulator, reason="Run used a contaminated test split."
                )
        # Confirm some relaxations; leave the rest pending for the demo regulator.
        for pending in Determination.objects.filter(status="pending_confirmation").order_by("id")[::2]:
            confirm_relaxation(determination=pending, by=regulator)

    def seed_cases(self, models: list[AIModel]) -> None:
        users = self.users
        now = timezone.now()
        contestable = [
            m
            for m in AIModel.objects.filter(
                developer__name__in=["Aurora Labs", "Borealis AI"], current_tier__gte=2
            ).order_by("id")
        ]
        developer = {"Aurora Labs": users["dev-aurora"], "Borealis AI": users["dev-borealis"]}

        def contest(model, grounds):
            determination = model.determinations.get(status="in_force")
            return cases.file_contest(
                by=developer[model.developer.name],
                determination=determination,
                grounds=grounds,
                requested_tier=model.current_tier - 1,
            )

        plans = [
            "filed",
            "under_review",
            "awaiting_information",
            "decided",
            "dismissed",
            "withdrawn",
            "appeal_filed",
            "appeal_panel",
            "appeal_hearing",
            "appeal_decided",
            "appeal_withdrawn",
        ]
        for model, plan in zip(contestable, plans, strict=False):
            c = contest(
                model, "The accredited evaluation used an outdated prompt set; our red-team shows lower uplift."
            )
            if plan == "filed":
                continue
            if plan == "dismissed":
                cases.dismiss_contest(
                    contest=c, by=users["regulator"], reasons="Grounds restate the developer's own assessment."
                )
                continue
            if plan == "withdrawn":
                cases.withdraw_contest(contest=c, by=developer[model.developer.name])
                continue
            c = cases.assign_adjudicator(contest=c, by=users["regulator"], adjudicator=users["regulator2"])
            if plan == "under_review":
                continue
            if plan == "awaiting_information":
                cases.request_information(
                    contest=c,
                    by=users["regulator2"],
                    message="Please provide the red-team protocol and raw transcripts.",
                )
                continue
            c = case_workflows.decide_contest(
                contest=c,
                by=users["regulator2"],
                outcome="upheld",
                reasons="The accredited results are sound; self-assessment does not count.",
            )
            if plan == "decided":
                continue
            a = cases.file_appeal(
                by=developer[model.developer.name], contest=c, grounds="The adjudicator ignored the replication study."
            )
            if plan == "appeal_withdrawn":
                cases.withdraw_appeal(appeal=a, by=developer[model.developer.name])
                continue
            if plan == "appeal_filed":
                continue
            cases.assign_panel(
                appeal=a,
                by=users["regulator"],
                members=[users["regulator"], users["regulator3"], users["regulator4"]],
                chair=users["regulator"],
            )
            if plan == "appeal_panel":
                continue
            cases.schedule_hearing(appeal=a, by=users["regulator"], hearing_at=now + timedelta(days=14))
            if plan == "appeal_hearing":
                continue
            # The panel votes at or after the hearing (SPEC 6): as if the hearing had been held.
            Appeal.objects.filter(pk=a.pk).update(hearing_at=now - timedelta(hours=2))
            case_workflows.cast_vote(
                appeal=a, by=users["regulator"], vote="affirm", reasons="The evidence supports the tier."
            )
            case_workflows.cast_vote(
                appeal=a,
                by=users["regulator3"],
                vote="reverse",
                tier=cast(int, model.current_tier) - 1,  # contestable models have a tier of 2 or more
                reasons="The replication study is credible.",
            )
            case_workflows.cast_vote(
                appeal=a, by=users["regulator4"], vote="affirm", reasons="Replication used a weaker protocol."
            )
        # Re-reviews in every state.
        sample = AIModel.objects.order_by("id")[:4]
        states = ["open", "in_progress", "completed"]
        for model, state in zip(sample, states, strict=False):
            rereview = cases.open_rereview(model=model, trigger="own_motion", reason="Reports of jailbreak fine-tunes.")
            if rereview is None or state == "open":
                continue
            rereview = cases.start_rereview(rereview=rereview, by=users["regulator3"])
            if state == "completed":
                case_workflows.complete_rereview(
                    rereview=rereview, by=users["regulator3"], outcome="no_change", rationale="No new capability found."
                )
        # A staged release on a Tier 3 model.
        tier3 = AIModel.objects.filter(current_tier=3).order_by("id").first()
        if tier3:
            cases.add_release_stage(
                determination=tier3.determinations.get(status="in_force"),
                by=users["regulator"],
                on=timezone.localdate() + timedelta(days=90),
                proposed_tier=2,
                conditions="Six months without incidents and KYC in place.",
            )
        assert Contest.objects.exists()

    def seed_access(self) -> None:
        """Requesters' profiles, and access requests in every state on the models of the
        developers with a demo login; a few checks by the hub (SPEC 21)."""
        for username, legal_name, country, affiliation in REQUESTERS:
            signup.update_profile(
                by=self.users[username],
                legal_name=legal_name,
                country=country,
                affiliation=self.organisations[affiliation] if affiliation else None,
            )
        developers = {m.organization_id: m.user for m in Membership.objects.filter(user__groups__name="developer")}
        released = AIModel.objects.filter(released=True, developer_id__in=list(developers)).order_by("pk")
        tier2 = list(released.filter(current_tier=2)[:4])
        tier3 = list(released.filter(current_tier=3)[:3])
        researcher, sam, priya = (self.users[name] for name, *_ in REQUESTERS)
        institution = self.users["institution"]

        def file(model, who, purpose=""):
            attestation = attestation_in_force(model.current_tier)
            if attestation is None:
                raise CommandError(f"No attestation text is in force for Tier {model.current_tier}.")
            return access.file_request(by=who, model=model, purpose=purpose, attestation_version=attestation.version)

        def dev(model):
            return developers[model.developer_id]

        if tier3:
            model = tier3[0]
            approved = file(model, researcher, "Measuring refusal robustness of open models under fine-tuning.")
            access.verify_identity(by=dev(model), access_request=approved)
            access.confirm_affiliation(by=institution, access_request=approved)
            access.approve(by=dev(model), access_request=approved, reasons="Affiliation confirmed by the institute.")
            gate.check(host_user=self.users["hub"], model_id=model.pk, requester_id=researcher.pk)
            gate.check(host_user=self.users["hub"], model_id=model.pk, requester_id=sam.pk)
            confirmed = file(tier3[-1], priya, "Interpretability study of refusal circuits.")
            access.verify_identity(by=dev(tier3[-1]), access_request=confirmed)
            if len(tier3) > 1:
                waiting = file(tier3[1], researcher, "Red-teaming for chemical uplift.")
                access.verify_identity(by=dev(tier3[1]), access_request=waiting)
                access.confirm_affiliation(by=institution, access_request=waiting)
        if tier2:
            file(tier2[0], sam)
            granted = file(tier2[0], researcher)
            access.verify_identity(by=dev(tier2[0]), access_request=granted)
            access.approve(by=dev(tier2[0]), access_request=granted)
            if len(tier2) > 1:
                denied = file(tier2[1], sam)
                access.deny(by=dev(tier2[1]), access_request=denied, reasons="The identity documents did not match.")
                withdrawn = file(tier2[1], priya)
                access.withdraw(by=priya, access_request=withdrawn)
            if len(tier2) > 2:
                revoked = file(tier2[2], sam)
                access.verify_identity(by=dev(tier2[2]), access_request=revoked)
                grant = access.approve(by=dev(tier2[2]), access_request=revoked)
                access.revoke(by=dev(tier2[2]), grant=grant, reasons="Redistribution reported by a mirror.")
                gate.check(host_user=self.users["hub"], model_id=tier2[2].pk, requester_id=sam.pk)
            if len(tier2) > 3:
                held = file(tier2[3], priya)
                access.verify_identity(by=self.users["regulator"], access_request=held)
                access.approve(by=dev(tier2[3]), access_request=held)
                determine_own_motion(
                    model=tier2[3],
                    tier=3,
                    rationale="A new cyber-offense evaluation shows uplift: research access only.",
                    by=self.users["regulator"],
                )

    def seed_peers(self) -> None:
        """Two peer registers read from CSV (no network in a demo): one stricter, one laxer
        about a few released models, one of them released from the laxer jurisdiction."""
        released = list(AIModel.objects.filter(released=True, current_tier__in=[2, 3]).order_by("pk")[:4])
        regulator = self.users["regulator"]
        if not released:
            return
        shifted = released[-1]
        registry.update_model(by=regulator, model=shifted, release_jurisdictions=["SG"])
        for name, jurisdiction, change in (
            ("Japan AI Safety Office", "JP", +1),
            ("Singapore Model Registry", "SG", -1),
        ):
            peer = peers.create_peer(by=regulator, name=name, jurisdiction=jurisdiction)
            lines = ["id,name,version,developer,current_tier"] + [
                f"{m.pk},{m.name},{m.version},{m.developer.name},{min(4, max(1, cast(int, m.current_tier) + change))}"
                for m in released
            ]
            read_peer(peer=peer, actor=regulator, upload="\n".join(lines).encode())

    def seed_compliance(self) -> None:
        obligations = list(Obligation.objects.filter(status="active", period_months__isnull=False).order_by("id"))
        for index, obligation in enumerate(obligations[:6]):
            developer = Membership.objects.filter(organization_id=obligation.model.developer_id).first()
            if developer is None:
                continue
            submission = compliance.submit_evidence(
                by=developer.user,
                obligation=obligation,
                period_end=cast(date, obligation.next_due),  # periodic obligations always have a due date
                notes="Quarterly report attached in the secure portal.",
            )
            if index % 3 == 1:
                compliance.review_submission(submission=submission, by=self.users["compliance"], outcome="accepted")
            elif index % 3 == 2:
                compliance.review_submission(
                    submission=submission,
                    by=self.users["compliance"],
                    outcome="deficient",
                    notes="Register lacks institution ids.",
                )
        # Make a few obligations overdue, as if deadlines passed, and let the sweep notice.
        overdue = Obligation.objects.filter(status="active", period_months__isnull=False).order_by("-id")[:3]
        for obligation in overdue:
            Obligation.objects.filter(pk=obligation.pk).update(next_due=timezone.localdate() - timedelta(days=10))
        compliance.compliance_sweep()
        late = Obligation.objects.filter(status="overdue").select_related("model").first()
        if late:
            compliance.open_enforcement(
                model=late.model,
                obligation=late,
                kind="warning",
                reason=f"{late.kind} overdue; formal warning issued.",
                by=self.users["compliance"],
            )
