using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PoolGuard.LoadTest.Scripts;

/// <summary>A variable a script sets before each run: a fixed number or a uniform random one in [Low, High].</summary>
public sealed record ScriptVariable(string Name, long Low, long High);

/// <summary>One SQL statement of a script, its :variables turned into $1, $2… in order of first use.</summary>
public sealed record ScriptStatement(string Sql, IReadOnlyList<string> Parameters, int Line);

/// <summary>
/// A custom load script, in the pgbench style its users know: <c>\set aid random(1, 100000)</c> (or <c>\set n 42</c>)
/// then SQL statements, each ending with ';' at the end of a line, using <c>:aid</c>. Values are sent as bound
/// parameters, never pasted into the SQL. <c>--</c> comments and blank lines are skipped; <c>::</c> casts and text in
/// quotes are left alone. One run of the script is one transaction of the load test.
/// </summary>
public sealed partial record LoadScript(string Name, int Weight, IReadOnlyList<ScriptVariable> Variables, IReadOnlyList<ScriptStatement> Statements)
{
    /// <summary>Parses <paramref name="text"/>; a line it cannot read throws <see cref="FormatException"/> naming the file and line.</summary>
    public static LoadScript Parse(string name, string text, int weight = 1)
    {
        var variables = new List<ScriptVariable>();
        var statements = new List<ScriptStatement>();
        var sql = new StringBuilder();
        var startLine = 0;
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].TrimEnd('\r');
            var trimmed = line.Trim();
            if (sql.Length == 0 && (trimmed.Length == 0 || trimmed.StartsWith("--", StringComparison.Ordinal)))
            {
                continue;
            }
            if (sql.Length == 0 && trimmed.StartsWith('\\'))
            {
                variables.Add(Meta(name, index + 1, trimmed));
                continue;
            }
            if (sql.Length == 0)
            {
                startLine = index + 1;
            }
            sql.Append(line).Append('\n');
            if (trimmed.EndsWith(';'))
            {
                statements.Add(Statement(name, startLine, sql.ToString().Trim().TrimEnd(';'), variables));
                sql.Clear();
            }
        }
        if (sql.Length > 0)
        {
            throw new FormatException($"{name}:{startLine}: the statement does not end with ';'");
        }
        if (statements.Count == 0)
        {
            throw new FormatException($"{name}: no SQL statement");
        }
        return new LoadScript(name, weight, variables, statements);
    }

    private static ScriptVariable Meta(string name, int line, string text)
    {
        var match = SetCommand().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"{name}:{line}: '{text}' is not a meta-command this tool reads (\\set NAME random(LOW, HIGH) or \\set NAME NUMBER)");
        }
        long Number(string group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        var (low, high) = match.Groups["low"].Success ? (Number("low"), Number("high")) : (Number("value"), Number("value"));
        if (low > high)
        {
            throw new FormatException($"{name}:{line}: random({low}, {high}) has its bounds the wrong way round");
        }
        return new ScriptVariable(match.Groups["name"].Value, low, high);
    }

    private static ScriptStatement Statement(string name, int line, string sql, List<ScriptVariable> variables)
    {
        var parameters = new List<string>();
        var text = new StringBuilder();
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '\'')
            {
                var close = sql.IndexOf('\'', i + 1);
                close = close < 0 ? sql.Length - 1 : close;
                text.Append(sql, i, close - i + 1);
                i = close;
                continue;
            }
            if (c == ':' && i + 1 < sql.Length && sql[i + 1] == ':')
            {
                text.Append("::");
                i++;
                continue;
            }
            if (c == ':' && i + 1 < sql.Length && (char.IsLetter(sql[i + 1]) || sql[i + 1] == '_'))
            {
                var end = i + 1;
                while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
                {
                    end++;
                }
                var variable = sql[(i + 1)..end];
                if (!variables.Any(v => v.Name == variable))
                {
                    throw new FormatException($"{name}:{line}: :{variable} is used but never \\set");
                }
                if (!parameters.Contains(variable))
                {
                    parameters.Add(variable);
                }
                text.Append('$').Append(parameters.IndexOf(variable) + 1);
                i = end - 1;
                continue;
            }
            text.Append(c);
        }
        return new ScriptStatement(text.ToString(), parameters, line);
    }

    [GeneratedRegex(@"^\\set\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?:random\(\s*(?<low>-?\d+)\s*,\s*(?<high>-?\d+)\s*\)|(?<value>-?\d+))\s*$")]
    private static partial Regex SetCommand();
}
