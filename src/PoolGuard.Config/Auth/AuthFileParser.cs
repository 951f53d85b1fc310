using System.Text;

namespace PoolGuard.Config.Auth;

/// <summary>
/// Reads a PgBouncer auth_file (userlist.txt): one user per line as <c>"user" "secret"</c>, where a double
/// quote inside a field is written twice and anything after the second field is ignored. Like PgBouncer,
/// lines that do not start with a double quote are not user lines; blank lines and ';' or '#' comments
/// pass silently, anything else gets a warning because it is probably a user line with a typo.
/// Messages name the file and line only: the line itself holds a secret.
/// </summary>
internal static class AuthFileParser
{
    public static IReadOnlyList<AuthFileEntry> Read(string file, ConfigDiagnostics diagnostics)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(file, "file", $"cannot be read: {e.Message}");
            return [];
        }

        var entries = new List<AuthFileEntry>();
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].TrimStart();
            var location = $"line {index + 1}";
            if (line.Length == 0 || line[0] is ';' or '#')
            {
                continue;
            }

            if (line[0] != '"')
            {
                diagnostics.Warn(file, location, "ignored: a user line must start with a double quote (\"user\" \"secret\")");
                continue;
            }

            if (TryParseLine(line, out var user, out var secret, out var error))
            {
                entries.Add(new AuthFileEntry(user, secret.Length == 0 ? null : secret, index + 1));
            }
            else
            {
                diagnostics.Error(file, location, error);
            }
        }

        return entries;
    }

    private static bool TryParseLine(string line, out string user, out string secret, out string error)
    {
        secret = "";
        var position = 0;
        if (!TryReadQuoted(line, ref position, out user))
        {
            error = "the user name's closing double quote is missing (write \"\" for a quote inside it)";
            return false;
        }

        if (user.Length == 0)
        {
            error = "the user name is empty";
            return false;
        }

        while (position < line.Length && char.IsWhiteSpace(line[position]))
        {
            position++;
        }

        if (position >= line.Length || line[position] != '"')
        {
            error = $"user {user}: expected a double-quoted secret after the user name";
            return false;
        }

        if (!TryReadQuoted(line, ref position, out secret))
        {
            error = $"user {user}: the secret's closing double quote is missing (write \"\" for a quote inside it)";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>Reads a "…" field starting at <paramref name="position"/>; "" inside stands for one quote.</summary>
    private static bool TryReadQuoted(string line, ref int position, out string value)
    {
        var text = new StringBuilder();
        for (var i = position + 1; i < line.Length; i++)
        {
            if (line[i] != '"')
            {
                text.Append(line[i]);
            }
            else if (i + 1 < line.Length && line[i + 1] == '"')
            {
                text.Append('"');
                i++;
            }
            else
            {
                position = i + 1;
                value = text.ToString();
                return true;
            }
        }

        value = "";
        return false;
    }
}
