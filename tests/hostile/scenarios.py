"""Hostile scenario files: repeated keys, alias bombs, deep nesting and oversized files. Each builder
takes the text of a valid small scenario and returns the hostile text."""

from __future__ import annotations


def _bomb(levels: int, width: int, where: str) -> str:
    """A 'billion laughs': each anchor lists ``width`` copies of the previous one, ``levels`` deep,
    then ``where`` refers to the last (``{last}`` in it). A few hundred bytes that expand to width**levels."""
    lines = ["x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, levels):
        lines.append(f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n" + where.format(last=f"*a{levels - 1}") + "\n"


def _nest(depth: int, flow: str = "[]") -> str:
    return flow[0] * depth + flow[1] * depth


_ROLE = ("{role_id: R-NEW, title: New, family: Finance, level: 3, department: Finance, location: Leeds, critical: true, "
         "criticality: 3, external_hire_cost: 1000")
_COURSE = "{intervention_id: I-NEW, name: New, kind: course, cost: 100, duration_quarters: 1, hours_per_quarter: 10"

YAML_CASES = {
    # (how to break the valid text, part of the message)
    "name repeated": (lambda t: t + "name: other\n", "the key 'name' is repeated"),
    "budget key repeated": (lambda t: t.replace("budget: {total: 50000}", "budget: {total: 50000, total: 9000000}"),
                            "the key 'total' is repeated"),
    "key repeated inside a change": (lambda t: t + "changes:\n- {type: vacancy, role_id: R-MGR, quarter: 1, quarter: 2}\n",
                                     "the key 'quarter' is repeated"),
    "alias bomb in a free-form part of a change": (
        lambda t: t + _bomb(9, 9, "changes:\n- type: new_role\n  role: {{role_id: R-NEW, family: FIN, grade: 3, "
                                  "external_hire_cost: 1, extra: {last}}}"),
        "expands to more than"),
    "alias bomb at the top": (lambda t: _bomb(8, 10, "lol: {last}") + t, "expands to more than"),
    "alias bomb in a list of pins": (lambda t: t + _bomb(7, 10, "pins: {last}"), "expands to more than"),
    "5,000 nested lists": (lambda t: t + "x: " + _nest(5000) + "\n", "nested more than"),
    "40 nested mappings": (lambda t: t + "x: " + "{a: " * 40 + "1" + "}" * 40 + "\n", "nested more than"),
    "deep list in the weights": (lambda t: t + "weights: {aspiration: " + _nest(100) + "}\n", "nested more than"),
    "a 2 MB file": (lambda t: t + "# " + "x" * 2_000_000 + "\n", "larger than 1 MB"),
    "a 2 MB description": (lambda t: t + "description: " + "y" * 2_000_000 + "\n", "larger than 1 MB"),
    "10 MB of settings": (lambda t: t + "".join(f"k{i}: {i}\n" for i in range(1_000_000)), "larger than 1 MB"),
    # free-form parts of changes: a key that is no column was dropped unseen
    "unknown key in a new role": (lambda t: t + f"changes:\n- {{type: new_role, role: {_ROLE}, colour: red}}}}\n",
                                  "role.colour'"),
    "unknown key in a new intervention": (
        lambda t: t + f"changes:\n- {{type: new_intervention, intervention: {_COURSE}, owner: me}}, "
                      "effects: [{skill_id: FIN, min_level: 0, to_level: 2}]}\n",
        "intervention.owner'"),
    "unknown key in an effect": (
        lambda t: t + f"changes:\n- {{type: new_intervention, intervention: {_COURSE}}}, "
                      "effects: [{skill_id: FIN, min_level: 0, to_level: 2, weight: 3}]}\n",
        "effects.0.weight'"),
}
