using System.Globalization;
using System.Text;
using PoolGuard.Config.Values;

namespace PoolGuard.Config.Alerts;

public enum AlertComparison
{
    Above,
    AtLeast,
    Below,
    AtMost,
    Equal,
    NotEqual,
}

/// <summary>One label matcher of a selector: <c>database="app"</c> or <c>database!="app"</c>.</summary>
public sealed record LabelMatcher(string Label, string Value, bool Equal)
{
    public bool Matches(string? actual) => Equal ? actual == Value : actual != Value;
}

/// <summary>
/// An alert condition in the subset of PromQL every rule needs and nothing more, so the same text runs in
/// PoolGuard's engine and, exported, in Prometheus: <c>metric{label="v"} &gt;= 0.8</c>, or for a counter
/// <c>increase(metric{label="v"}[1m]) &gt; 0</c>.
/// </summary>
public sealed record AlertExpression(string Metric, IReadOnlyList<LabelMatcher> Matchers, TimeSpan? IncreaseWindow, AlertComparison Comparison, double Threshold)
{
    public const string ExpectedForm = "metric{label=\"value\"} >= 0.8, or increase(counter_total[1m]) > 0";

    public bool Holds(double value) => Holds(value, Threshold);

    /// <summary>Whether <paramref name="value"/> meets the comparison against <paramref name="threshold"/>
    /// (the rule's own, or its resolve threshold while it fires).</summary>
    public bool Holds(double value, double threshold) => Comparison switch
    {
        AlertComparison.Above => value > threshold,
        AlertComparison.AtLeast => value >= threshold,
        AlertComparison.Below => value < threshold,
        AlertComparison.AtMost => value <= threshold,
        AlertComparison.Equal => value == threshold,
        _ => value != threshold,
    };

    public static string Operator(AlertComparison comparison) => comparison switch
    {
        AlertComparison.Above => ">",
        AlertComparison.AtLeast => ">=",
        AlertComparison.Below => "<",
        AlertComparison.AtMost => "<=",
        AlertComparison.Equal => "==",
        _ => "!=",
    };

    /// <summary>The selector alone: <c>metric{label="v"}</c>, with <c>[1m]</c> inside increase() when it is one.</summary>
    public string Selector()
    {
        var text = new StringBuilder(Metric);
        if (Matchers.Count > 0)
        {
            text.Append('{').AppendJoin(',', Matchers.Select(m => $"{m.Label}{(m.Equal ? "=" : "!=")}\"{Escape(m.Value)}\"")).Append('}');
        }
        return text.ToString();
    }

    /// <summary>The left-hand side as PromQL, without the comparison.</summary>
    public string Operand() => IncreaseWindow is { } window ? $"increase({Selector()}[{PromDuration(window)}])" : Selector();

    public string ToPromQl(double? threshold = null) =>
        $"{Operand()} {Operator(Comparison)} {(threshold ?? Threshold).ToString("R", CultureInfo.InvariantCulture)}";

    public override string ToString() => ToPromQl();

    public static string PromDuration(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)value.TotalMinutes}m"
        : value.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)value.TotalSeconds}s"
        : $"{(long)value.TotalMilliseconds}ms";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    public static bool TryParse(string text, out AlertExpression? expression, out string error)
    {
        var reader = new Reader(text);
        expression = null;
        error = "";
        try
        {
            expression = reader.Expression();
            return true;
        }
        catch (FormatException e)
        {
            error = $"{e.Message} in {SettingNames.Quote(text)}; expected {ExpectedForm}";
            return false;
        }
    }

    /// <summary>A hand-written reader: the grammar is five productions, and every error says where it stopped.</summary>
    private sealed class Reader(string text)
    {
        private int _at;

        public AlertExpression Expression()
        {
            Space();
            TimeSpan? window = null;
            string metric;
            List<LabelMatcher> matchers;
            if (Peek("increase("))
            {
                _at += "increase(".Length;
                Space();
                (metric, matchers) = Selector();
                Space();
                Expect('[');
                var start = _at;
                while (_at < text.Length && text[_at] != ']')
                {
                    _at++;
                }
                var duration = text[start.._at];
                Expect(']');
                if (!DurationParser.TryParse(duration, out var parsed) || parsed <= TimeSpan.Zero)
                {
                    throw Fail($"the increase window {SettingNames.Quote(duration)} is not a positive duration");
                }
                window = parsed;
                Space();
                Expect(')');
            }
            else
            {
                (metric, matchers) = Selector();
            }

            Space();
            var comparison = Comparison();
            Space();
            var start2 = _at;
            while (_at < text.Length && !char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
            if (!double.TryParse(text[start2.._at], NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) || !double.IsFinite(threshold))
            {
                throw Fail("a number after the comparison");
            }
            Space();
            if (_at < text.Length)
            {
                throw Fail("the end after the threshold");
            }
            return new AlertExpression(metric, matchers, window, comparison, threshold);
        }

        private (string, List<LabelMatcher>) Selector()
        {
            var metric = Name(allowColon: true) ?? throw Fail("a metric name");
            var matchers = new List<LabelMatcher>();
            Space();
            if (_at < text.Length && text[_at] == '{')
            {
                _at++;
                Space();
                while (_at < text.Length && text[_at] != '}')
                {
                    var label = Name(allowColon: false) ?? throw Fail("a label name");
                    Space();
                    bool equal;
                    if (Peek("!="))
                    {
                        equal = false;
                        _at += 2;
                    }
                    else if (Peek("=") && !Peek("=="))
                    {
                        equal = true;
                        _at++;
                    }
                    else
                    {
                        throw Fail($"= or != after label {label}");
                    }
                    Space();
                    matchers.Add(new LabelMatcher(label, Quoted(), equal));
                    Space();
                    if (_at < text.Length && text[_at] == ',')
                    {
                        _at++;
                        Space();
                    }
                }
                Expect('}');
            }
            return (metric, matchers);
        }

        private AlertComparison Comparison()
        {
            foreach (var (symbol, comparison) in new[]
            {
                (">=", AlertComparison.AtLeast), ("<=", AlertComparison.AtMost), ("==", AlertComparison.Equal),
                ("!=", AlertComparison.NotEqual), (">", AlertComparison.Above), ("<", AlertComparison.Below),
            })
            {
                if (Peek(symbol))
                {
                    _at += symbol.Length;
                    return comparison;
                }
            }
            throw Fail("a comparison (>, >=, <, <=, ==, !=)");
        }

        private string Quoted()
        {
            Expect('"');
            var value = new StringBuilder();
            while (_at < text.Length && text[_at] != '"')
            {
                if (text[_at] == '\\' && _at + 1 < text.Length)
                {
                    _at++;
                }
                value.Append(text[_at++]);
            }
            Expect('"');
            return value.ToString();
        }

        private string? Name(bool allowColon)
        {
            var start = _at;
            while (_at < text.Length && (char.IsAsciiLetter(text[_at]) || text[_at] == '_' || (allowColon && text[_at] == ':')
                || (_at > start && char.IsAsciiDigit(text[_at]))))
            {
                _at++;
            }
            return _at > start ? text[start.._at] : null;
        }

        private bool Peek(string symbol) => string.CompareOrdinal(text, _at, symbol, 0, symbol.Length) == 0;

        private void Expect(char c)
        {
            if (_at >= text.Length || text[_at] != c)
            {
                throw Fail($"'{c}'");
            }
            _at++;
        }

        private void Space()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private FormatException Fail(string expected) =>
            new(_at < text.Length ? $"expected {expected} at position {_at + 1}" : $"expected {expected} at the end");
    }
}
