"""`msglint rules --stages`: the stage each rule's patterns are decided at, and why not earlier."""

from __future__ import annotations

from .stages import STAGE_NAMES, SURFACE


def stage_listing(compiled, pipeline_name: str) -> str:
    stages = compiled.stages
    tagged = ", ".join(stages.tagged_pipes) or "nothing"
    settled = ", ".join(sorted(stages.tagged_attrs)) or "no attribute the parse would not change"
    lines = [
        f"pipeline {pipeline_name}",
        "  surface: the tokenizer",
        f"  tagged:  {tagged} (settles {settled})",
        f"  parsed:  {', '.join(stages.parsed_pipes)}",
        "  a pattern past the surface is tried only where its words stand in its order (a gate); "
        "units go no further than their open gates need",
        *(["  a unit bound for the parse is tagged first, and parsed only if a pattern it was bound for "
            "can still match on its tags (a tag gate)"] if compiled.tag_gates is not None else []),
        "",
    ]
    by_rule = compiled.rule_stages()
    width = max((len(rule_id) for rule_id in by_rule), default=0)
    for rule_id in sorted(by_rule):
        variants = by_rule[rule_id]
        if not variants:
            lines.append(f"{rule_id:<{width}}  paragraph (tokenizer only)" if rule_id in compiled.paragraph_rules
                         else f"{rule_id:<{width}}  computed, not matched")
            continue
        used = sorted({v.stage for v in variants if v.role == "match"})
        summary = " + ".join(STAGE_NAMES[s] for s in used) or "surface"
        if rule_id in compiled.paragraph_rules:
            summary = "paragraph + " + summary
        lines.append(f"{rule_id:<{width}}  {summary}")
        for variant in variants:
            if variant.stage > SURFACE:
                lines.append(f"    {variant.where:<22} {STAGE_NAMES[variant.stage]:<7} {variant.note}")
    return "\n".join(lines)
