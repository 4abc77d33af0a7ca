"""The shape of the code: no import cycle between modules of releases/, no module over the line limit."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "releases"
MAX_LINES = 450
# Modules allowed over the limit while being split into packages: none now.
LARGE_MODULES = set()


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def app_modules():
    """{dotted name: path} of every module in releases/ except migrations."""
    return {module_name(path): path for path in APP.rglob("*.py") if "migrations" not in path.parts}


def top_level_imports(path, name, modules, anywhere=False):
    """The releases modules `name` imports when it is loaded: module-level statements only.

    Imports inside functions run later (at call time) and cannot form a load-time cycle;
    `anywhere=True` counts them too.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree) if anywhere else tree.body:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import mod` imports the submodule; `from mod import name` the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in modules and target != name)
    return found


def find_cycles(graph):
    """Every cycle in a {module: {imported modules}} graph, each as a list of module names."""
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "active"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "active":
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return cycles


def import_graph():
    modules = app_modules()
    return {name: top_level_imports(path, name, modules) for name, path in modules.items()}


def test_no_import_cycle_between_modules():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_cycle_finder_sees_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_images_never_import_models():
    # models.py imports the image storage; the images package reaches models only through the app registry.
    modules = app_modules()
    assert "releases.images.storage" in import_graph()["releases.models"]
    image_modules = [name for name in modules if name.startswith("releases.images")]
    assert len(image_modules) > 5
    assert not [
        name for name in image_modules if "releases.models" in top_level_imports(modules[name], name, modules, anywhere=True)
    ]


def test_no_module_over_the_line_limit():
    offenders = {}
    for path in app_modules().values():
        relative = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and relative not in LARGE_MODULES:
            offenders[relative] = lines
    assert not offenders, f"modules over {MAX_LINES} lines (split them): " + ", ".join(
        f"{name} ({lines} lines)" for name, lines in sorted(offenders.items())
    )
