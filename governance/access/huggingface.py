"""Hugging Face interoperability (SPEC 21): the gating block a developer pastes into a model
card for its tier, and reading a model card's metadata (with ``huggingface_hub``'s own
``ModelCard`` parser; nothing is fetched from the network)."""

from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db.models import QuerySet
from huggingface_hub import ModelCard

from governance.access.models import Attestation
from governance.platform.errors import Invalid
from governance.registry.models import AIModel
from governance.tiering import access as rule

# base_model_relation (the Hub's vocabulary) → our derivation (SPEC 10).
RELATIONS = {
    "finetune": AIModel.Derivation.FINE_TUNE,
    "merge": AIModel.Derivation.MERGE,
    "quantized": AIModel.Derivation.QUANTIZATION,
    "adapter": AIModel.Derivation.ADAPTER,
}
MAX_CARD_BYTES = 1024 * 1024


def gating(model: AIModel, attestation: Attestation | None, *, request_url: str) -> dict[str, Any]:
    """The model card keys that gate the model on a hub as its tier asks."""
    tier = model.current_tier
    if tier is None or tier == 1:
        return {"gated": False}
    if tier == 4:
        return {
            "gated": "manual",
            "extra_gated_heading": "No open release",
            "extra_gated_prompt": rule.TIER_4_REASON,
            "extra_gated_fields": {},
            "extra_gated_button_content": "Access is not available",
        }
    prompt = attestation.text if attestation else ""
    version = attestation.version if attestation else "?"
    fields: dict[str, Any] = {"Legal name": "text", "Country": "country"}
    if tier == 3:
        fields |= {"Affiliation (a verified research organisation)": "text", "Research purpose": "text"}
    fields[f"I accept the use attestation (version {version})"] = "checkbox"
    return {
        "gated": "manual",
        "extra_gated_heading": f"Tier {tier} access: request through Aperture",
        "extra_gated_description": (
            f"Request access at {request_url}; the host asks Aperture's access check before serving."
        ),
        "extra_gated_prompt": prompt,
        "extra_gated_fields": fields,
        "extra_gated_button_content": "Request access",
    }


def snippet(metadata: dict[str, Any]) -> str:
    return yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True)


@dataclass
class CardModel:
    """What a model card says about the model to register."""

    name: str
    parent: AIModel | None = None
    derivation: str = ""
    warnings: list[str] = field(default_factory=list)


def read_card(content: bytes, *, fallback_name: str, candidates: QuerySet[AIModel]) -> CardModel:
    """Parse a card's metadata; find the parent among ``candidates`` (the models the caller
    may name) by ``base_model`` (the repo id, or its last segment), reporting one that is not
    registered."""
    if len(content) > MAX_CARD_BYTES:
        raise Invalid(fields={"file": [f"A model card is at most {MAX_CARD_BYTES} bytes."]})
    try:
        text = content.decode("utf-8")
        card = ModelCard(text, ignore_metadata_errors=False)
    except UnicodeDecodeError as error:
        raise Invalid(fields={"file": ["The model card is not UTF-8 text."]}) from error
    except Exception as error:  # the parser raises YAML and value errors of several kinds
        raise Invalid(fields={"file": [f"The model card's metadata cannot be read: {error}".strip()[:300]]}) from error
    data = card.data.to_dict()
    name = str(data.get("model_name") or fallback_name).strip()[:200]
    if not name:
        raise Invalid(fields={"file": ["The model card names no model (model_name) and the file has no name."]})
    result = CardModel(name=name)
    bases = data.get("base_model") or []
    bases = [bases] if isinstance(bases, str) else [str(b) for b in bases if isinstance(b, str)]
    if not bases:
        return result
    relation = str(data.get("base_model_relation") or ("merge" if len(bases) > 1 else "finetune"))
    if relation not in RELATIONS:
        raise Invalid(fields={"file": [f"base_model_relation '{relation}' is not one of {', '.join(RELATIONS)}."]})
    for base in bases:
        parent = candidates.filter(name__in=[base, base.rsplit("/", 1)[-1]]).order_by("-created_at", "-pk").first()
        if parent is None:
            result.warnings.append(f"base_model '{base}' is not registered here.")
        elif result.parent is None:
            result.parent = parent
            result.derivation = RELATIONS[relation]
        else:
            result.warnings.append(f"base_model '{base}' is also a parent; only '{result.parent}' is recorded.")
    if result.parent is None:
        result.warnings.append("The model was registered without a parent: register the base model first to link it.")
    return result
