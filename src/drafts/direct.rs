//! Templates run straight from MiniJinja's own parse tree, with MiniJinja's own values and
//! operators, each variable of a draft looked up once: the built-in templates, and any of
//! the rules file's written with the same few constructs (text, values, `if`, `for`,
//! `and`, `or`, `not`, comparisons, `in`, `length`).
//!
//! What this does not model exactly is handed back, and MiniJinja renders it: a
//! construct it does not know (at compile time), and at render time an error (an attribute
//! of an undefined value, a length of a number), a value it would print as a container, or
//! a render that might come near `[drafts].fuel`. A draft reads the same either way; the
//! `drafts` fuzz target and a property test compare the two.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt::Write;
use std::sync::Arc;

use minijinja::machinery::ast::{self, CompareOpKind::*, Expr as AstExpr, Stmt};
use minijinja::value::ValueKind;
use minijinja::{Environment, Value};

use super::context::{Context, Key};

/// The variables templates name, each a slot in a draft's memo: a top-level name, or an
/// attribute of one (`ticket.id`).
#[derive(Default)]
pub struct Slots {
    keys: Vec<Key>,
}

impl Slots {
    fn slot(&mut self, key: Key) -> usize {
        let found = self.keys.iter().position(|k| *k == key);
        found.unwrap_or_else(|| {
            self.keys.push(key);
            self.keys.len() - 1
        })
    }
}

/// One draft's variables as the templates read them, each looked up once.
pub struct Scope<'a> {
    c: &'a Arc<Context>,
    slots: &'a Slots,
    memo: Vec<OnceCell<Option<Value>>>,
}

impl<'a> Scope<'a> {
    pub fn new(c: &'a Arc<Context>, slots: &'a Slots) -> Scope<'a> {
        Scope {
            c,
            slots,
            memo: (0..slots.keys.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    fn get(&self, slot: usize) -> Result<&Value, Handed> {
        self.memo[slot]
            .get_or_init(|| self.c.look_up(&self.slots.keys[slot]))
            .as_ref()
            .ok_or(Handed)
    }
}

/// A render handed back to MiniJinja.
#[derive(Debug)]
pub struct Handed;

/// A template compiled for the direct path.
pub struct Program {
    body: Vec<Node>,
    /// MiniJinja's instructions for the template and its literals' cost: what a render of
    /// it may spend on each pass, with `[drafts].fuel` in mind.
    instructions: u64,
}

enum Node {
    Raw(Box<str>),
    Emit(Expr),
    If(Expr, Vec<Node>, Vec<Node>),
    /// A loop over a sequence, its item the innermost local.
    For(Expr, Vec<Node>),
}

enum Expr {
    Const(Value),
    Slot(usize),
    /// A loop's item, counted from the outermost loop.
    Local(usize),
    Attr(Box<Expr>, Box<str>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, ast::CompareOpKind, Box<Expr>),
    Length(Box<Expr>),
}

impl Program {
    /// The template `name` of `env` for the direct path, or none when it uses anything else.
    pub fn compile(env: &Environment<'_>, name: &str, slots: &mut Slots) -> Option<Program> {
        let tpl = env.get_template(name).ok()?;
        let compiled = minijinja::machinery::get_compiled_template(&tpl);
        let ast =
            minijinja::machinery::parse(tpl.source(), name, compiled.syntax_config.clone()).ok()?;
        let Stmt::Template(t) = ast else {
            return None;
        };
        let mut c = Compiler {
            slots,
            locals: Vec::new(),
            charged: 0,
        };
        let body = c.stmts(&t.children)?;
        let count = (0..u32::MAX)
            .take_while(|&i| compiled.instructions.get(i).is_some())
            .count() as u64;
        Some(Program {
            body,
            instructions: count + c.charged,
        })
    }

    /// The template rendered for `scope` onto `out`, or handed back with `out` as it was.
    /// `fuel` is `[drafts].fuel`: a render that might spend a good part of it is
    /// MiniJinja's to count.
    pub fn render_into(
        &self,
        scope: &Scope<'_>,
        fuel: u64,
        out: &mut String,
    ) -> Result<(), Handed> {
        let base = out.len();
        let mut r = Render {
            scope,
            out,
            locals: Vec::new(),
            passes: 0,
            charged: 0,
        };
        let done = r.nodes(&self.body);
        // MiniJinja charges one fuel an instruction and a 64th of one a byte written,
        // searched or measured; each pass through a loop runs at most the whole template
        // again. Counted here at a fuel a byte, far above that: below it the render could
        // not run out, and near it MiniJinja decides.
        let spent = self
            .instructions
            .saturating_mul(r.passes + 1)
            .saturating_add((r.out.len() - base) as u64)
            .saturating_add(r.charged);
        if done.is_err() || spent.saturating_mul(2) >= fuel {
            out.truncate(base);
            return Err(Handed);
        }
        Ok(())
    }
}

struct Compiler<'s> {
    slots: &'s mut Slots,
    locals: Vec<String>,
    /// Fuel MiniJinja charges besides instructions, wherever the template is: literals.
    charged: u64,
}

impl Compiler<'_> {
    fn stmts(&mut self, stmts: &[Stmt<'_>]) -> Option<Vec<Node>> {
        stmts.iter().map(|s| self.stmt(s)).collect()
    }

    fn stmt(&mut self, s: &Stmt<'_>) -> Option<Node> {
        Some(match s {
            Stmt::EmitRaw(r) => Node::Raw(r.raw.into()),
            Stmt::EmitExpr(e) => Node::Emit(self.expr(&e.expr)?),
            Stmt::IfCond(i) => Node::If(
                self.expr(&i.expr)?,
                self.stmts(&i.true_body)?,
                self.stmts(&i.false_body)?,
            ),
            Stmt::ForLoop(f) => {
                let AstExpr::Var(target) = &f.target else {
                    return None;
                };
                if f.filter_expr.is_some() || f.recursive || !f.else_body.is_empty() {
                    return None;
                }
                let iter = self.expr(&f.iter)?;
                self.locals.push(target.id.to_string());
                let body = self.stmts(&f.body);
                self.locals.pop();
                Node::For(iter, body?)
            }
            _ => return None,
        })
    }

    fn expr(&mut self, e: &AstExpr<'_>) -> Option<Expr> {
        Some(match e {
            AstExpr::Const(c) => Expr::Const(c.value.clone()),
            AstExpr::List(l) => {
                let v = l.as_const()?;
                // A literal's slots and bytes are MiniJinja's to charge too.
                self.charged += v.try_iter().map_or(0, |items| {
                    items
                        .map(|x| 1 + x.as_str().map_or(0, str::len) as u64)
                        .sum()
                });
                Expr::Const(v)
            }
            AstExpr::Var(v) => self.var(v.id, None)?,
            AstExpr::GetAttr(g) => match &g.expr {
                AstExpr::Var(v) if !self.locals.iter().any(|l| l == v.id) => {
                    self.var(v.id, Some(g.name))?
                }
                inner => Expr::Attr(Box::new(self.expr(inner)?), g.name.into()),
            },
            AstExpr::UnaryOp(u) => match u.op {
                ast::UnaryOpKind::Not => Expr::Not(Box::new(self.expr(&u.expr)?)),
                ast::UnaryOpKind::Neg => return None,
            },
            AstExpr::BinOp(b) => {
                let (l, r) = (
                    Box::new(self.expr(&b.left)?),
                    Box::new(self.expr(&b.right)?),
                );
                match b.op {
                    ast::BinOpKind::ScAnd => Expr::And(l, r),
                    ast::BinOpKind::ScOr => Expr::Or(l, r),
                    ast::BinOpKind::Eq => Expr::Compare(l, ast::CompareOpKind::Eq, r),
                    ast::BinOpKind::Ne => Expr::Compare(l, ast::CompareOpKind::Ne, r),
                    ast::BinOpKind::Lt => Expr::Compare(l, ast::CompareOpKind::Lt, r),
                    ast::BinOpKind::Lte => Expr::Compare(l, ast::CompareOpKind::Lte, r),
                    ast::BinOpKind::Gt => Expr::Compare(l, ast::CompareOpKind::Gt, r),
                    ast::BinOpKind::Gte => Expr::Compare(l, ast::CompareOpKind::Gte, r),
                    ast::BinOpKind::In => Expr::Compare(l, ast::CompareOpKind::In, r),
                    _ => return None,
                }
            }
            AstExpr::Compare(c) => {
                let [op] = c.ops.as_slice() else {
                    return None;
                };
                Expr::Compare(
                    Box::new(self.expr(&c.expr)?),
                    op.op,
                    Box::new(self.expr(&op.expr)?),
                )
            }
            AstExpr::Filter(f) if f.name == "length" && f.args.is_empty() => {
                Expr::Length(Box::new(self.expr(f.expr.as_ref()?)?))
            }
            _ => return None,
        })
    }

    fn var(&mut self, id: &str, attr: Option<&str>) -> Option<Expr> {
        if let Some(i) = self.locals.iter().rposition(|l| l == id) {
            let local = Expr::Local(i);
            return Some(match attr {
                Some(a) => Expr::Attr(Box::new(local), a.into()),
                None => local,
            });
        }
        // The context's own names; anything else (MiniJinja's globals, a misspelling) is
        // left to MiniJinja.
        Some(Expr::Slot(self.slots.slot(Key::of(id, attr)?)))
    }
}

struct Render<'a, 's, 'o> {
    scope: &'a Scope<'s>,
    out: &'o mut String,
    locals: Vec<Value>,
    /// Passes through loop bodies so far.
    passes: u64,
    /// Bytes MiniJinja charges fuel for besides those written: strings searched or measured.
    charged: u64,
}

impl<'a> Render<'a, '_, '_> {
    fn nodes(&mut self, nodes: &[Node]) -> Result<(), Handed> {
        for n in nodes {
            match n {
                Node::Raw(s) => self.out.push_str(s),
                Node::Emit(e) => self.emit(e)?,
                Node::If(cond, then, other) => {
                    if self.truth(cond)? {
                        self.nodes(then)?;
                    } else {
                        self.nodes(other)?;
                    }
                }
                Node::For(iter, body) => {
                    let seq = self.eval(iter)?;
                    if seq.kind() != ValueKind::Seq {
                        return Err(Handed);
                    }
                    for item in seq.try_iter().map_err(|_| Handed)? {
                        self.passes += 1;
                        self.locals.push(item);
                        let done = self.nodes(body);
                        self.locals.pop();
                        done?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes a value as MiniJinja prints it.
    fn emit(&mut self, e: &Expr) -> Result<(), Handed> {
        // `a or b` prints whichever it yields, without making it.
        if let Expr::Or(l, r) = e {
            return if self.truth(l)? {
                self.emit(l)
            } else {
                self.emit(r)
            };
        }
        let v = match e {
            Expr::Slot(s) => Cow::Borrowed(self.scope.get(*s)?),
            e => self.eval(e)?,
        };
        match v.as_str() {
            Some(s) => self.out.push_str(s),
            // Containers print as MiniJinja writes them, at a fuel cost per byte: left to it.
            None if !plain(&v) => return Err(Handed),
            None => write!(self.out, "{v}").map_err(|_| Handed)?,
        }
        Ok(())
    }

    /// Whether a value is true, as a condition reads it, without making the value: `a and
    /// b` is true when both are, `a or b` when either is.
    fn truth(&mut self, e: &Expr) -> Result<bool, Handed> {
        Ok(match e {
            Expr::Slot(s) => self.scope.get(*s)?.is_true(),
            Expr::Not(inner) => !self.truth(inner)?,
            Expr::And(l, r) => self.truth(l)? && self.truth(r)?,
            Expr::Or(l, r) => self.truth(l)? || self.truth(r)?,
            e => self.eval(e)?.is_true(),
        })
    }

    fn eval<'e>(&mut self, e: &'e Expr) -> Result<Cow<'e, Value>, Handed>
    where
        'a: 'e,
    {
        Ok(match e {
            Expr::Const(v) => Cow::Borrowed(v),
            Expr::Slot(s) => Cow::Borrowed(self.scope.get(*s)?),
            Expr::Local(i) => Cow::Owned(self.locals[*i].clone()),
            Expr::Attr(inner, name) => {
                let v = self.eval(inner)?;
                // MiniJinja fails on an attribute of an undefined value: its error, its words.
                if v.is_undefined() {
                    return Err(Handed);
                }
                Cow::Owned(v.get_attr(name).map_err(|_| Handed)?)
            }
            Expr::Not(inner) => Cow::Owned(Value::from(!self.truth(inner)?)),
            Expr::And(l, r) => {
                let l = self.eval(l)?;
                if l.is_true() { self.eval(r)? } else { l }
            }
            Expr::Or(l, r) => {
                let l = self.eval(l)?;
                if l.is_true() { l } else { self.eval(r)? }
            }
            Expr::Compare(l, op, r) => {
                let (l, r) = (self.eval(l)?, self.eval(r)?);
                if matches!(op, In | NotIn) {
                    self.charged +=
                        r.as_str().map_or_else(|| r.len().unwrap_or(0), str::len) as u64;
                }
                Cow::Owned(Value::from(compare(&l, *op, &r)?))
            }
            Expr::Length(inner) => {
                let v = self.eval(inner)?;
                if let Some(s) = v.as_str() {
                    self.charged += s.len() as u64;
                }
                Cow::Owned(if v.is_undefined() {
                    Value::from(0usize)
                } else {
                    Value::from(v.len().ok_or(Handed)?)
                })
            }
        })
    }
}

/// A comparison as MiniJinja makes it, for plain values: strings, numbers, booleans, none
/// and undefined, and `in` a string or a sequence of them. Containers compared are charged
/// fuel by MiniJinja, and are left to it.
fn compare(l: &Value, op: ast::CompareOpKind, r: &Value) -> Result<bool, Handed> {
    match op {
        In | NotIn => {
            let found = contains(r, l)?;
            Ok(if matches!(op, In) { found } else { !found })
        }
        _ if !plain(l) || !plain(r) => Err(Handed),
        Eq => Ok(l == r),
        Ne => Ok(l != r),
        Lt => Ok(l < r),
        Lte => Ok(l <= r),
        Gt => Ok(l > r),
        Gte => Ok(l >= r),
    }
}

fn contains(container: &Value, item: &Value) -> Result<bool, Handed> {
    if container.is_undefined() {
        return Ok(false);
    }
    if let (Some(s), Some(needle)) = (container.as_str(), item.as_str()) {
        return Ok(s.contains(needle));
    }
    if container.kind() == ValueKind::Seq && plain(item) {
        return Ok(container
            .try_iter()
            .map_err(|_| Handed)?
            .any(|x| x == *item));
    }
    Err(Handed)
}

/// A value that is no container: MiniJinja prints, compares and tests it without charging
/// fuel for its parts.
fn plain(v: &Value) -> bool {
    matches!(
        v.kind(),
        ValueKind::Undefined
            | ValueKind::None
            | ValueKind::Bool
            | ValueKind::Number
            | ValueKind::String
    )
}
