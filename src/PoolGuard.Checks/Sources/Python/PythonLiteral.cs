using System.Globalization;
using System.Text;

namespace PoolGuard.Checks.Sources.Python;

/// <summary>A value in Python source as far as a settings file needs it: a literal the check can read, or an expression it cannot.</summary>
internal abstract record PyValue(int Offset);

internal sealed record PyString(int Offset, string Value) : PyValue(Offset);

internal sealed record PyNumber(int Offset, double Value) : PyValue(Offset);

/// <summary>True, False or None.</summary>
internal sealed record PyConstant(int Offset, string Name) : PyValue(Offset);

internal sealed record PyDict(int Offset, IReadOnlyList<(PyValue Key, PyValue Value)> Entries) : PyValue(Offset)
{
    public PyValue? this[string key] => Entries.FirstOrDefault(e => e.Key is PyString s && s.Value == key).Value;
}

/// <summary>A call's arguments: positional, then keyword (create_engine(url, pool_size=5)).</summary>
internal sealed record PyCall(int Offset, IReadOnlyList<PyValue> Positional, IReadOnlyDictionary<string, PyValue> Keywords) : PyValue(Offset);

/// <summary>Anything else (os.environ["DB_HOST"], a name, an f-string): resolved where it runs, unknown here.</summary>
internal sealed record PyExpression(int Offset, string Text) : PyValue(Offset);

/// <summary>
/// A small reader of Python literals — dicts, strings (with prefixes and escapes), numbers, True/False/None —
/// with each value's offset, enough to read Django's DATABASES and SQLAlchemy's create_engine(…) arguments out of
/// a settings module without running it. What is not a literal is kept as an expression, never guessed.
/// </summary>
internal sealed class PythonLiteral(string text)
{
    private int _at;

    /// <summary>Reads the value at <paramref name="offset"/>; a syntax it cannot follow throws <see cref="FormatException"/> with its offset.</summary>
    public PyValue ReadAt(int offset)
    {
        _at = offset;
        return Value();
    }

    /// <summary>Reads a call's argument list; <paramref name="openParen"/> is the offset of its '('.</summary>
    public PyCall ReadCall(int openParen)
    {
        _at = openParen + 1;
        var positional = new List<PyValue>();
        var keywords = new Dictionary<string, PyValue>(StringComparer.Ordinal);
        while (true)
        {
            Skip();
            if (Peek() == ')')
            {
                _at++;
                return new PyCall(openParen, positional, keywords);
            }
            var name = Identifier();
            Skip();
            if (name is not null && Peek() == '=' && Peek(1) != '=')
            {
                _at++;
                keywords[name] = Value();
            }
            else
            {
                _at -= name?.Length ?? 0;
                positional.Add(Value());
            }
            Separator(')');
        }
    }

    public int Offset => _at;

    private PyValue Value()
    {
        Skip();
        var start = _at;
        var c = Peek();
        if (c == '{')
        {
            return Dict();
        }
        if (StringStart() is not null)
        {
            var value = new StringBuilder();
            while (StringStart() is { } next) // adjacent literals concatenate
            {
                _at = next;
                value.Append(StringBody());
                Skip();
            }
            if (Peek() is ',' or '}' or ')' or ']' or ':' or '\0' || _at >= text.Length)
            {
                return new PyString(start, value.ToString());
            }
            return Expression(start);
        }
        if (char.IsDigit(c) || (c is '-' or '+' && char.IsDigit(Peek(1))))
        {
            var end = _at + 1;
            while (end < text.Length && (char.IsDigit(text[end]) || text[end] is '.' or '_' or 'e' or 'E'))
            {
                end++;
            }
            if (double.TryParse(text.AsSpan(_at, end - _at).ToString().Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                _at = end;
                Skip();
                if (Peek() is ',' or '}' or ')' or ']' or '\0' || _at >= text.Length)
                {
                    return new PyNumber(start, number);
                }
            }
            return Expression(start);
        }
        if (Identifier() is "True" or "False" or "None" && Terminates())
        {
            return new PyConstant(start, text[start.._at]);
        }
        return Expression(start);
    }

    private bool Terminates()
    {
        var save = _at;
        Skip();
        var ends = Peek() is ',' or '}' or ')' or ']' or '\0' || _at >= text.Length;
        _at = save;
        return ends;
    }

    private PyDict Dict()
    {
        var start = _at++;
        var entries = new List<(PyValue, PyValue)>();
        while (true)
        {
            Skip();
            if (Peek() == '}')
            {
                _at++;
                return new PyDict(start, entries);
            }
            var key = Value();
            Skip();
            if (Peek() != ':')
            {
                throw new FormatException($"expected ':' in a dict at offset {_at}") { Data = { ["offset"] = _at } };
            }
            _at++;
            entries.Add((key, Value()));
            Separator('}');
        }
    }

    private void Separator(char close)
    {
        Skip();
        if (Peek() == ',')
        {
            _at++;
        }
        else if (Peek() != close)
        {
            throw new FormatException($"expected ',' or '{close}' at offset {_at}") { Data = { ["offset"] = _at } };
        }
    }

    /// <summary>An expression the check cannot evaluate, up to the ',' or closing bracket at its own depth.</summary>
    private PyExpression Expression(int start)
    {
        _at = start;
        var depth = 0;
        while (_at < text.Length)
        {
            var c = text[_at];
            if (StringStart() is { } quote)
            {
                _at = quote;
                StringBody();
                continue;
            }
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                break;
            }
            else if (c == '#')
            {
                while (_at < text.Length && text[_at] != '\n')
                {
                    _at++;
                }
                continue;
            }
            _at++;
        }
        return new PyExpression(start, text[start.._at].Trim());
    }

    /// <summary>The offset of the opening quote when a string literal (with an r/b/u/f prefix) starts here.</summary>
    private int? StringStart()
    {
        var i = _at;
        while (i < text.Length && i - _at < 2 && text[i] is 'r' or 'R' or 'b' or 'B' or 'u' or 'U' or 'f' or 'F')
        {
            i++;
        }
        return i < text.Length && text[i] is '"' or '\'' && (i == _at || !IsIdentifierChar(_at > 0 ? text[_at - 1] : ' ')) ? i : null;
    }

    private string StringBody()
    {
        var raw = _at > 0 && text[_at - 1] is 'r' or 'R';
        var quote = text[_at];
        var triple = _at + 2 < text.Length && text[_at + 1] == quote && text[_at + 2] == quote;
        _at += triple ? 3 : 1;
        var value = new StringBuilder();
        while (_at < text.Length)
        {
            var c = text[_at];
            if (c == '\\' && !raw && _at + 1 < text.Length)
            {
                value.Append(text[_at + 1] switch { 'n' => '\n', 't' => '\t', var other => other });
                _at += 2;
                continue;
            }
            if (c == quote && (!triple || (_at + 2 < text.Length && text[_at + 1] == quote && text[_at + 2] == quote)))
            {
                _at += triple ? 3 : 1;
                return value.ToString();
            }
            if (c == '\n' && !triple)
            {
                break;
            }
            value.Append(c);
            _at++;
        }
        throw new FormatException($"a string is not closed (offset {_at})") { Data = { ["offset"] = _at } };
    }

    private string? Identifier()
    {
        var start = _at;
        while (_at < text.Length && IsIdentifierChar(text[_at]))
        {
            _at++;
        }
        return _at > start ? text[start.._at] : null;
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>Whitespace, line continuations and # comments.</summary>
    private void Skip()
    {
        while (_at < text.Length)
        {
            if (char.IsWhiteSpace(text[_at]) || text[_at] == '\\')
            {
                _at++;
            }
            else if (text[_at] == '#')
            {
                while (_at < text.Length && text[_at] != '\n')
                {
                    _at++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private char Peek(int ahead = 0) => _at + ahead < text.Length ? text[_at + ahead] : '\0';
}
