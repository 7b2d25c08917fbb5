//! The SOQL subset the practice org understands: select lists with relationship fields,
//! `FIELDS(STANDARD)` and child sub-selects; `WHERE` with `=`, `!=`, `<>`, `<`, `>`, `<=`, `>=`, `IN`/`NOT IN` (values
//! or a semi-join sub-select), `LIKE`, `AND`, `OR`, `NOT` and parentheses; `ORDER BY`;
//! `LIMIT`. Parse errors read like Salesforce's `MALFORMED_QUERY` messages.

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The select list.
    pub select: Vec<SelectItem>,
    /// The object queried (or, in a child sub-select, the child relationship name).
    pub from: String,
    /// The filter.
    pub filter: Option<Cond>,
    /// Sort keys: field path and whether descending.
    pub order: Vec<(Path, bool)>,
    /// Row limit.
    pub limit: Option<usize>,
}

/// A dotted field path, e.g. `Profile.Name`.
pub type Path = Vec<String>;

/// One item of the select list.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    /// A field, possibly through lookups.
    Field(Path),
    /// `FIELDS(STANDARD)`: every field of the object.
    StandardFields,
    /// A child relationship sub-select.
    Children(Box<Query>),
    /// `count()`: the answer is the number of rows, in `totalSize`, with no records.
    Count,
}

/// A filter condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// Both.
    And(Box<Cond>, Box<Cond>),
    /// Either.
    Or(Box<Cond>, Box<Cond>),
    /// Not.
    Not(Box<Cond>),
    /// A comparison.
    Compare(Path, Op, Value),
    /// `IN` or `NOT IN` (when the flag is set).
    In(Path, bool, InList),
    /// `LIKE`, with `%` and `_` wildcards, case-insensitive.
    Like(Path, String),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

/// What `IN` draws from.
#[derive(Debug, Clone, PartialEq)]
pub enum InList {
    /// Literal values.
    Values(Vec<Value>),
    /// A semi-join: the single field of a sub-select.
    Query(Box<Query>),
}

/// A literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `'text'`
    Str(String),
    /// `42`, `1.5`
    Num(f64),
    /// `true`, `false`
    Bool(bool),
    /// `null`
    Null,
    /// `2025-12-01T00:00:00Z`
    DateTime(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(f64),
    DateTime(String),
    Sym(&'static str),
}

/// A `MALFORMED_QUERY` message.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError(pub String);

fn tokenize(src: &str) -> Result<Vec<Tok>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(ParseError("unterminated string literal".into())),
                    Some('\\') => {
                        let escaped =
                            chars.get(i + 1).ok_or_else(|| ParseError("unterminated string literal".into()))?;
                        s.push(match escaped {
                            'n' => '\n',
                            't' => '\t',
                            other => *other,
                        });
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        s.push(*ch);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(s));
        } else if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | ':' | '-' | '+')) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            if text.contains('T') && text.len() >= 20 {
                out.push(Tok::DateTime(text));
            } else {
                let n = text.parse().map_err(|_| ParseError(format!("unexpected token: '{text}'")))?;
                out.push(Tok::Num(n));
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.')) {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let sym = match two.as_str() {
                "!=" => Some("!="),
                "<>" => Some("!="),
                "<=" => Some("<="),
                ">=" => Some(">="),
                _ => None,
            };
            if let Some(s) = sym {
                out.push(Tok::Sym(s));
                i += 2;
                continue;
            }
            let s = match c {
                '(' => "(",
                ')' => ")",
                ',' => ",",
                '=' => "=",
                '<' => "<",
                '>' => ">",
                _ => return Err(ParseError(format!("unexpected token: '{c}'"))),
            };
            out.push(Tok::Sym(s));
            i += 1;
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn eat_keyword(&mut self, kw: &str) -> bool {
        let yes = self.keyword(kw);
        if yes {
            self.pos += 1;
        }
        yes
    }

    fn expect_keyword(&mut self, kw: &str) -> Result<(), ParseError> {
        if self.eat_keyword(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }

    fn eat_sym(&mut self, s: &str) -> bool {
        let yes = self.sym(s);
        if yes {
            self.pos += 1;
        }
        yes
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), ParseError> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> ParseError {
        match self.peek() {
            None => ParseError("unexpected end of query".into()),
            Some(Tok::Word(w)) => ParseError(format!("unexpected token: '{w}'")),
            Some(Tok::Str(s)) => ParseError(format!("unexpected token: ''{s}''")),
            Some(Tok::Num(n)) => ParseError(format!("unexpected token: '{n}'")),
            Some(Tok::DateTime(d)) => ParseError(format!("unexpected token: '{d}'")),
            Some(Tok::Sym(s)) => ParseError(format!("unexpected token: '{s}'")),
        }
    }

    fn path(&mut self) -> Result<Path, ParseError> {
        match self.peek().cloned() {
            Some(Tok::Word(w)) if !is_reserved(&w) => {
                self.pos += 1;
                Ok(w.split('.').map(str::to_string).collect())
            }
            _ => Err(self.unexpected()),
        }
    }

    fn query(&mut self) -> Result<Query, ParseError> {
        self.expect_keyword("SELECT")?;
        let mut select = Vec::new();
        loop {
            if self.eat_sym("(") {
                let sub = self.query()?;
                self.expect_sym(")")?;
                select.push(SelectItem::Children(Box::new(sub)));
            } else if self.keyword("COUNT")
                && matches!(self.toks.get(self.pos + 1), Some(Tok::Sym("(")))
                && matches!(self.toks.get(self.pos + 2), Some(Tok::Sym(")")))
            {
                self.pos += 3;
                select.push(SelectItem::Count);
            } else if self.keyword("FIELDS") && matches!(self.toks.get(self.pos + 1), Some(Tok::Sym("("))) {
                self.pos += 2;
                // FIELDS(ALL) and FIELDS(CUSTOM) would add nothing here: the practice org's
                // objects have no custom fields.
                self.expect_keyword("STANDARD")?;
                self.expect_sym(")")?;
                select.push(SelectItem::StandardFields);
            } else {
                select.push(SelectItem::Field(self.path()?));
            }
            if !self.eat_sym(",") {
                break;
            }
        }
        self.expect_keyword("FROM")?;
        let from = match self.path()?.as_slice() {
            [one] => one.clone(),
            _ => return Err(ParseError("unexpected token in FROM".into())),
        };
        let filter = if self.eat_keyword("WHERE") { Some(self.or()?) } else { None };
        let mut order = Vec::new();
        if self.eat_keyword("ORDER") {
            self.expect_keyword("BY")?;
            loop {
                let p = self.path()?;
                let desc = if self.eat_keyword("DESC") {
                    true
                } else {
                    self.eat_keyword("ASC");
                    false
                };
                if self.eat_keyword("NULLS") && !self.eat_keyword("FIRST") {
                    self.expect_keyword("LAST")?;
                }
                order.push((p, desc));
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        let limit = if self.eat_keyword("LIMIT") {
            match self.peek().cloned() {
                Some(Tok::Num(n)) if n >= 0.0 && n.fract() == 0.0 => {
                    self.pos += 1;
                    Some(n as usize)
                }
                _ => return Err(self.unexpected()),
            }
        } else {
            None
        };
        Ok(Query { select, from, filter, order, limit })
    }

    fn or(&mut self) -> Result<Cond, ParseError> {
        let mut left = self.and()?;
        while self.eat_keyword("OR") {
            left = Cond::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Cond, ParseError> {
        let mut left = self.unary()?;
        while self.eat_keyword("AND") {
            left = Cond::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Cond, ParseError> {
        if self.eat_keyword("NOT") {
            return Ok(Cond::Not(Box::new(self.unary()?)));
        }
        if self.eat_sym("(") {
            let c = self.or()?;
            self.expect_sym(")")?;
            return Ok(c);
        }
        let path = self.path()?;
        if self.eat_keyword("LIKE") {
            return match self.value()? {
                Value::Str(s) => Ok(Cond::Like(path, s)),
                _ => Err(ParseError("LIKE needs a string".into())),
            };
        }
        let negated = self.eat_keyword("NOT");
        if self.eat_keyword("IN") {
            self.expect_sym("(")?;
            let list = if self.keyword("SELECT") {
                InList::Query(Box::new(self.query()?))
            } else {
                let mut values = vec![self.value()?];
                while self.eat_sym(",") {
                    values.push(self.value()?);
                }
                InList::Values(values)
            };
            self.expect_sym(")")?;
            return Ok(Cond::In(path, negated, list));
        }
        if negated {
            return Err(self.unexpected());
        }
        let op = match self.peek() {
            Some(Tok::Sym("=")) => Op::Eq,
            Some(Tok::Sym("!=")) => Op::Ne,
            Some(Tok::Sym("<")) => Op::Lt,
            Some(Tok::Sym(">")) => Op::Gt,
            Some(Tok::Sym("<=")) => Op::Le,
            Some(Tok::Sym(">=")) => Op::Ge,
            _ => return Err(self.unexpected()),
        };
        self.pos += 1;
        Ok(Cond::Compare(path, op, self.value()?))
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        let v = match self.peek().cloned() {
            Some(Tok::Str(s)) => Value::Str(s),
            Some(Tok::Num(n)) => Value::Num(n),
            Some(Tok::DateTime(d)) => Value::DateTime(d),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => Value::Bool(true),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => Value::Bool(false),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("null") => Value::Null,
            _ => return Err(self.unexpected()),
        };
        self.pos += 1;
        Ok(v)
    }
}

fn is_reserved(w: &str) -> bool {
    ["SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "LIMIT", "ASC", "DESC", "NULLS"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(w))
}

/// Parses a whole query.
pub fn parse(src: &str) -> Result<Query, ParseError> {
    let mut p = Parser { toks: tokenize(src)?, pos: 0 };
    let q = p.query()?;
    if p.pos != p.toks.len() {
        return Err(p.unexpected());
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &str) -> Path {
        s.split('.').map(str::to_string).collect()
    }

    #[test]
    fn parses_the_queries_reconnect_issues() {
        let q =
            parse("SELECT Id, Name, InstanceName, IsSandbox, TrialExpirationDate, OrganizationType FROM Organization")
                .unwrap();
        assert_eq!(q.select.len(), 6);
        assert_eq!(q.from, "Organization");
        let q = parse(
            "select Id, Profile.Name, (SELECT PermissionSetId FROM PermissionSetAssignments) from User \
             where (Username = 'a@b.c' or Email LIKE 'a%') and IsActive = true order by Name desc limit 5",
        )
        .unwrap();
        assert!(matches!(&q.select[2], SelectItem::Children(sub) if sub.from == "PermissionSetAssignments"));
        assert_eq!(q.order, vec![(path("Name"), true)]);
        assert_eq!(q.limit, Some(5));
        let q = parse(
            "SELECT Id FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '005000000000001') AND PermissionsApiEnabled != false",
        )
        .unwrap();
        assert!(matches!(q.filter, Some(Cond::And(ref l, _)) if matches!(**l, Cond::In(_, false, InList::Query(_)))));
        let q =
            parse("SELECT FIELDS(STANDARD), (SELECT FIELDS(standard) FROM Assignments) FROM PermissionSet").unwrap();
        assert_eq!(q.select[0], SelectItem::StandardFields);
        assert!(matches!(&q.select[1], SelectItem::Children(sub) if sub.select == [SelectItem::StandardFields]));
        assert_eq!(parse("SELECT FIELDS(ALL) FROM User").unwrap_err().0, "unexpected token: 'ALL'");
        let q =
            parse("SELECT Id FROM OauthToken WHERE LastUsedDate >= 2025-12-01T00:00:00Z AND AppName NOT IN ('A','B')")
                .unwrap();
        assert!(q.filter.is_some());
    }

    #[test]
    fn malformed_queries_say_where() {
        assert_eq!(parse("SELECT FROM User").unwrap_err().0, "unexpected token: 'FROM'");
        assert!(parse("SELECT Id FROM").is_err());
        assert!(parse("SELECT Id FROM User WHERE Name = 'x").unwrap_err().0.contains("unterminated"));
        assert!(parse("SELECT Id FROM User LIMIT x").is_err());
        assert!(parse("SELECT Id FROM User extra").is_err());
        assert!(parse("DELETE FROM User").is_err());
    }

    #[test]
    fn escaped_quotes_stay_inside_strings() {
        let q = parse(r"SELECT Id FROM User WHERE Name = 'O\'Brien'").unwrap();
        assert_eq!(q.filter, Some(Cond::Compare(path("Name"), Op::Eq, Value::Str("O'Brien".into()))));
    }
}
