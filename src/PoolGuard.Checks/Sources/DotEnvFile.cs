using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources;

/// <summary>
/// An environment file (.env, .env.production, app.env) as docker compose and dotenv libraries read it:
/// <c>KEY=value</c> lines, an optional <c>export</c>, single or double quotes, # comments. Every value that is a
/// connection string (Npgsql keywords, as ConnectionStrings__Main carries one, or a postgres:// URI) is a pool of the
/// folder's application. A line that is not KEY=value, or a quote left open, is PG000 and the file is not used.
/// </summary>
internal sealed class DotEnvFile : IConfigReader
{
    public bool Matches(string path)
    {
        var name = Path.GetFileName(path);
        return name.Equals(".env", StringComparison.OrdinalIgnoreCase) || name.StartsWith(".env.", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".env", StringComparison.OrdinalIgnoreCase);
    }

    public void Read(ConfigFile file, CheckInputs inputs)
    {
        var found = new CheckInputs();
        var variables = new List<Java.FlatSetting>();
        var lines = File.ReadAllLines(file.Path);
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }
            var start = line.Length - trimmed.Length;
            if (trimmed.StartsWith("export ", StringComparison.Ordinal))
            {
                start += 7 + (trimmed.Length - 7 - trimmed[7..].TrimStart().Length);
            }
            var eq = line.IndexOf('=', start);
            var key = eq > start ? line[start..eq].Trim() : "";
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
            {
                inputs.Unreadable(new Location(file.Shown, index + 1, start + 1), "not a KEY=value line, so this environment file was not checked");
                return;
            }
            var valueAt = eq + 1 + (line.Length - eq - 1 - line[(eq + 1)..].TrimStart().Length);
            if (!TryValue(line[valueAt..], out var value))
            {
                inputs.Unreadable(new Location(file.Shown, index + 1, valueAt + 1), $"{key}: the quote is not closed, so this environment file was not checked");
                return;
            }
            variables.Add(new Java.FlatSetting(key, value, new Location(file.Shown, index + 1, valueAt + 1)));
            if (ConnectionStrings.Recognise(value))
            {
                ConnectionStrings.Add(value, variables[^1].Location, file.Application, key, found);
            }
        }
        Java.JdbcDataSources.AddFromEnvironment(variables, file.Application, found);
        inputs.Pools.AddRange(found.Pools);
        inputs.Findings.AddRange(found.Findings);
    }

    /// <summary>The value without its quotes; an unquoted value ends at a " #" comment.</summary>
    private static bool TryValue(string raw, out string value)
    {
        if (raw.Length > 0 && raw[0] is '"' or '\'')
        {
            var close = raw.IndexOf(raw[0], 1);
            value = close > 0 ? raw[1..close] : "";
            return close > 0;
        }
        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        value = (comment >= 0 ? raw[..comment] : raw).Trim();
        return true;
    }
}
