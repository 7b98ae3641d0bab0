//! The modules' layers run one way (README, Architecture): no module of the
//! library uses, directly or through others, a module that uses it. The
//! graph is read from the source: every `crate::a::b` and `super::x` path
//! of code and doc comments (intra-doc links) outside the `#[cfg(test)]`
//! part of a file, the crate root included.

use std::collections::{BTreeMap, BTreeSet};

use crate::helpers::root;

/// Module path ("" for the crate root, "report::view::todo") → its file's
/// text before any `#[cfg(test)]`.
fn modules() -> BTreeMap<String, String> {
    let src = root().join("src");
    let mut modules = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if !rel.ends_with(".rs") || rel.starts_with("bin/") || rel == "main.rs" {
            continue;
        }
        let mut parts: Vec<&str> = rel.trim_end_matches(".rs").split('/').collect();
        if matches!(parts.last(), Some(&("mod" | "lib"))) {
            parts.pop();
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Code and doc comments (an intra-doc link `[`crate::x`]` is a use
        // too: the docs of the lower layer would depend on the upper);
        // plain `//` comments may name any module.
        let body: Vec<&str> = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|l| {
                let l = l.trim_start();
                !l.starts_with("//") || l.starts_with("///") || l.starts_with("//!")
            })
            .collect();
        let body = body.join("\n");
        modules.insert(parts.join("::"), body);
    }
    modules
}

/// The modules each module uses (its own submodules and parents aside).
fn uses(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut edges = BTreeMap::new();
    for (name, text) in modules {
        let mut targets = BTreeSet::new();
        let parent = name.rsplit_once("::").map_or("", |(p, _)| p);
        for (prefix, base) in [("crate::", ""), ("super::", parent)] {
            for (at, _) in text.match_indices(prefix) {
                let path: String = text[at + prefix.len()..]
                    .chars()
                    .take_while(|&c| word(c))
                    .collect();
                let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
                // The longest prefix of the path that names a module; a
                // path to an item of the crate root names the root. An
                // item of `super` is the parent's (or, in an inline module,
                // this file's own): not a use of another module.
                let shortest = usize::from(prefix == "super::");
                let target = (shortest..=parts.len())
                    .rev()
                    .map(|k| {
                        let mut full: Vec<&str> =
                            base.split("::").filter(|p| !p.is_empty()).collect();
                        full.extend(&parts[..k]);
                        full.join("::")
                    })
                    .find(|m| modules.contains_key(m));
                let Some(target) = target.or((prefix == "crate::").then(String::new)) else {
                    continue;
                };
                let related = target == *name
                    || name.starts_with(&format!("{target}::"))
                    || target.starts_with(&format!("{name}::"));
                if !related || (target.is_empty() && !name.is_empty()) {
                    targets.insert(target);
                }
            }
        }
        targets.remove(name);
        edges.insert(name.clone(), targets);
    }
    // The crate root declares and uses every top-level module.
    let top: BTreeSet<String> = modules
        .keys()
        .filter(|m| !m.is_empty() && !m.contains("::"))
        .cloned()
        .collect();
    edges.insert(String::new(), top);
    edges
}

/// The modules `from` reaches, itself excluded unless through a cycle.
fn reach(edges: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&String> = edges[from].iter().collect();
    while let Some(m) = todo.pop() {
        if seen.insert(m.clone()) {
            todo.extend(edges.get(m).into_iter().flatten());
        }
    }
    seen
}

#[test]
fn no_module_uses_one_that_uses_it() {
    let modules = modules();
    assert!(modules.contains_key("pipeline") && modules.contains_key("report::view::todo"));
    let edges = uses(&modules);
    assert!(
        edges["stream"].contains("workers"),
        "the graph is read: {:?}",
        edges["stream"]
    );
    let mut cycles = Vec::new();
    for name in modules.keys() {
        // The crate root holds the commands and uses every module: a module
        // that uses the root's items is in a loop with it.
        if reach(&edges, name).contains(name) {
            let partners: Vec<&String> = edges[name]
                .iter()
                .filter(|m| reach(&edges, m).contains(name))
                .collect();
            cycles.push(format!("{name} <-> {partners:?}"));
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}
