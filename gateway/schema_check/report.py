"""The check's words, in Chinese and English: what failed, what to do, and ready entries to paste."""

from __future__ import annotations

from gateway.schema_check.compare import Change, Verdict


def report(result: Verdict, baseline: str, changelog: str) -> tuple[str, str]:
    """(stdout, stderr): listed changes and warnings to stdout, the failure with its remedy to stderr."""
    out: list[str] = []
    if result.listed:
        out.append(f"已登记在 {changelog} 的变更 / changes listed in {changelog}:")
        out += [f"  - {c}" for c in result.listed]
    if result.unlisted_dangerous:
        out.append(f"警告：危险变更（未登记）/ warning: dangerous changes (not listed in {changelog}):")
        out += [f"  - {c}" for c in result.unlisted_dangerous]
    if result.passes:
        out.append(f"GraphQL 接口与 {baseline} 相比没有未登记的破坏性变更 / "
                   f"no unlisted breaking change against {baseline}")
        return "\n".join(out), ""
    n = len(result.unlisted_breaking)
    err = [
        f"GraphQL 接口与 {baseline} 相比有 {n} 处破坏性变更未登记在 {changelog} / "
        f"the GraphQL schema has {n} breaking change(s) against {baseline} not listed in {changelog}:",
        *(f"  - {c}" for c in result.unlisted_breaking),
        '先用 @deprecated(reason: "…") 弃用字段，待前端不再查询后再删除；确需如此变更，请在 '
        f"{changelog} 登记 change、description、reason、date。",
        'Retire a field with @deprecated(reason: "…") first and remove it once no front end queries it; '
        f"if the change must be made, list it in {changelog} with change, description, reason and date:",
        *(_stub(c) for c in result.unlisted_breaking),
    ]
    return "\n".join(out), "\n".join(err)


def _stub(change: Change) -> str:
    description = change.description.replace("\\", "\\\\").replace('"', '\\"')
    return (f'  - change: {change.change}\n    description: "{description}"\n'
            "    reason: 为什么 / why\n    date: YYYY-MM-DD")
