//! An OTLP metrics or logs pipeline kept in a local: `let [mut] p = new_pipeline().metrics(rt)…;`,
//! extended by `p = p.with_x(..);`, then built by a later statement (`let provider = p.build()?;`
//! or any statement naming `p` once, as the root of its terminal call). The links are joined
//! into one chain for the model; the `let` and the reassignments go, and the consumer becomes
//! the new code. A pipeline extended under a condition, used in another way, or never built in
//! its block is reported at the `let` (the old types do not exist on 0.27).

use crate::engine::edit::TextRange;
use crate::engine::source::SourceFile;
use crate::engine::syntax::{comments_in, ident_str, text_of};
use crate::otel::chain::{
    follow_local, local_terminal, rebinds_a_name_of, stmt_range, uses_in_consumer, Chain,
    FollowedLocal, Link,
};

use super::conditional::movable_condition;

use crate::engine::source::whole_lines;

/// A pipeline kept in a local, with everything that changes with it.
pub struct KeptPipeline<'a> {
    /// The joined chain: the head's root and links, the reassignments', the consumer's.
    pub chain: Chain<'a>,
    /// The `let` and the reassignments, by whole lines.
    pub deletes: Vec<TextRange>,
    /// The `let` statement (where findings about the whole pipeline point).
    pub let_range: TextRange,
    pub consumer: Consumer<'a>,
    /// `if` statements that extended the pipeline: the condition as written and its links.
    pub conditional: Vec<(String, Vec<Link<'a>>)>,
}

/// The start of the `//` comment lines directly above the line starting at `line_start`.
fn comment_lines_above(file: &SourceFile, line_start: usize) -> usize {
    let (mut line, _) = file.line_col(line_start);
    let mut start = line_start;
    while line > 1 {
        let above = file.line_range(line - 1);
        if !file.text[above.start..above.end]
            .trim_start()
            .starts_with("//")
        {
            break;
        }
        start = above.start;
        line -= 1;
    }
    start
}

pub enum Consumer<'a> {
    /// `let <pattern> = p.…terminal(..)?;`: the statement and the pattern as written.
    Statement(&'a syn::Local, String),
    /// Anywhere else: the expression `p.…terminal(..)`.
    Expression(&'a syn::Expr),
}

/// `stmts[i]` (a `let` whose value is `head`, a pipeline head without its terminal) followed to
/// the statement that builds it; `Err` says why it cannot be followed.
pub fn kept_pipeline<'a>(
    file: &SourceFile,
    stmts: &'a [syn::Stmt],
    i: usize,
    head: Chain<'a>,
    terminals: &[&str],
) -> Result<KeptPipeline<'a>, &'static str> {
    let syn::Stmt::Local(local) = &stmts[i] else {
        return Err("not a `let`");
    };
    let syn::Pat::Ident(pi) = &local.pat else {
        return Err("bound by a pattern this tool cannot follow");
    };
    let name = ident_str(&pi.ident);
    let followed = follow_local(stmts, i + 1, &name);
    let Some(k) = followed.consumer else {
        return Err("never built in this block");
    };
    if rebinds_a_name_of(
        &stmts[i + 1..k],
        &local.init.as_ref().ok_or("not a `let`")?.expr,
    ) {
        return Err("built from a name bound again before it is built");
    }
    let consumer = &stmts[k];
    let terminal = local_terminal(consumer, &name, terminals)
        .filter(|_| uses_in_consumer(consumer, &name) == 1)
        .ok_or("used in a way this tool cannot follow")?;
    let mut links: Vec<Link<'a>> = head.links;
    let mut deletes = vec![whole_lines(file, stmt_range(file, &stmts[i]))];
    let mut conditional = Vec::new();
    for (r, at) in followed
        .reassignments
        .iter()
        .zip(&positions(stmts, &followed))
    {
        if r.conditional {
            let condition = movable_condition(file, stmts, (*at, k), r)
                .ok_or("extended inside a condition that cannot move to where it is built")?;
            conditional.push((condition, r.links.clone()));
            let stmt = whole_lines(file, stmt_range(file, r.stmt));
            deletes.push(TextRange::new(
                comment_lines_above(file, stmt.start),
                stmt.end,
            ));
            continue;
        }
        links.extend(r.links.iter().cloned());
        // The comment lines right above a reassignment travel with its option (the model
        // reads them before the link), so they go from here.
        let stmt = whole_lines(file, stmt_range(file, r.stmt));
        deletes.push(TextRange::new(
            comment_lines_above(file, stmt.start),
            stmt.end,
        ));
    }
    // The model carries the comments between its first and last option link; any other
    // comment of a statement that goes would be lost.
    let carried = match (links.first(), links.last()) {
        (Some(first), Some(last)) => {
            TextRange::new(first.range(file).end, last.name_range(file).start)
        }
        _ => return Err("empty"),
    };
    let lost = deletes
        .iter()
        .flat_map(|d| comments_in(file, *d))
        .any(|c| !carried.contains_range(c));
    if lost {
        return Err("commented where the rewrite cannot carry the comment");
    }
    links.extend(Chain::read(terminal).links);
    let consumer = match consumer {
        syn::Stmt::Local(l) => match l.init.as_ref().map(|i| (&*i.expr, &i.diverge)) {
            Some((syn::Expr::Try(t), None)) if std::ptr::eq(&*t.expr, terminal) => {
                Consumer::Statement(l, text_of(file, &l.pat).to_string())
            }
            _ => Consumer::Expression(terminal),
        },
        _ => Consumer::Expression(terminal),
    };
    Ok(KeptPipeline {
        chain: Chain {
            root: head.root,
            links,
        },
        deletes,
        let_range: stmt_range(file, &stmts[i]),
        consumer,
        conditional,
    })
}

/// The index in `stmts` of each reassignment's statement.
fn positions(stmts: &[syn::Stmt], followed: &FollowedLocal<'_>) -> Vec<usize> {
    followed
        .reassignments
        .iter()
        .map(|r| {
            stmts
                .iter()
                .position(|s| std::ptr::eq(s, r.stmt))
                .unwrap_or(0)
        })
        .collect()
}
