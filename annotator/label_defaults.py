"""The default label configuration for conflict news, seeded by ``annotator init``.

Seeding only adds what is missing, so running ``init`` again never overwrites a
label an admin has edited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ActorType, EntityType, QuoteType, StancePolarity


@dataclass(frozen=True)
class LabelSpec:
    name: str
    display_name: str
    colour: str
    hotkey: str | None
    description: str


# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
ENTITY_TYPES = (
    LabelSpec("PERSON", "Person", "#E69F00", "1", "A named or described individual."),
    LabelSpec(
        "ARMED_GROUP",
        "Armed group",
        "#D55E00",
        "2",
        "Non-state armed groups, militias, factions that fight.",
    ),
    LabelSpec(
        "STATE_ACTOR",
        "State actor",
        "#0072B2",
        "3",
        "Governments, armies, ministries, security services, states as actors.",
    ),
    LabelSpec(
        "ORGANIZATION",
        "Organization",
        "#009E73",
        "4",
        "Parties, NGOs, UN bodies and other organisations that do not fight.",
    ),
    LabelSpec("MEDIA", "Media", "#CC79A7", "5", "News agencies, outlets, channels, websites."),
    LabelSpec(
        "LOCATION", "Location", "#56B4E9", "6", "Places: countries as places, cities, camps."
    ),
)

STANCE_POLARITIES = (
    LabelSpec("SUPPORT", "Support", "#009E73", "+", "The holder is for the target."),
    LabelSpec("OPPOSE", "Oppose", "#D55E00", "-", "The holder is against the target."),
    LabelSpec("NEUTRAL", "Neutral", "#999999", "=", "The holder takes a stated neutral position."),
)

QUOTE_TYPES = (
    LabelSpec("DIRECT", "Direct", "#0072B2", "d", "Verbatim, inside quotation marks."),
    LabelSpec("INDIRECT", "Indirect", "#E69F00", "i", "Paraphrased, without quotation marks."),
    LabelSpec("MIXED", "Mixed", "#CC79A7", "m", "Paraphrase that quotes some words verbatim."),
)

# After ACLED's actor categories, plus media and international organisations.
ACTOR_TYPES = (
    (
        "STATE_FORCES",
        "State forces",
        "Military, police and other forces of a state on its own territory.",
    ),
    (
        "REBEL_GROUP",
        "Rebel group",
        "Armed groups seeking to overthrow or replace a national government.",
    ),
    (
        "POLITICAL_MILITIA",
        "Political militia",
        "Armed groups acting for political ends, often tied to a party or a government.",
    ),
    (
        "IDENTITY_MILITIA",
        "Identity militia",
        "Armed groups organised around an ethnic, religious, local or other identity.",
    ),
    ("CIVILIANS", "Civilians", "Unarmed people and civilian bodies."),
    (
        "EXTERNAL_OTHER_FORCES",
        "External/other forces",
        "Forces of a state acting outside its own territory, private security, and others.",
    ),
    ("MEDIA", "Media", "News agencies, outlets and channels."),
    (
        "INTERNATIONAL_ORGANIZATION",
        "International organisation",
        "The United Nations, its agencies, and other intergovernmental bodies.",
    ),
)


def seed_default_labels(session: Session) -> int:
    """Add every default label that is not there yet; return how many were added."""
    added = 0
    for model, specs in (
        (EntityType, ENTITY_TYPES),
        (StancePolarity, STANCE_POLARITIES),
        (QuoteType, QUOTE_TYPES),
    ):
        present = set(session.scalars(select(model.name)))
        for position, spec in enumerate(specs):
            if spec.name not in present:
                session.add(model(position=position, **spec.__dict__))
                added += 1
    present = set(session.scalars(select(ActorType.name)))
    for position, (name, display_name, description) in enumerate(ACTOR_TYPES):
        if name not in present:
            session.add(
                ActorType(
                    name=name, display_name=display_name, description=description, position=position
                )
            )
            added += 1
    session.flush()
    return added
