using System.Text;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// The startup parameter <c>options</c> (libpq's PGOPTIONS, Npgsql's Options), read the way
/// PostgreSQL reads it: words split at white space, a backslash keeps the next character as it is;
/// each setting given as <c>-c name=value</c>, <c>-cname=value</c> or <c>--name=value</c> (a dash
/// in the name read as an underscore). Any other command-line switch is refused: it would need
/// the server's command line, which a pooled server does not have.
/// </summary>
internal static class StartupOptions
{
    /// <summary>The settings, or null with <paramref name="error"/> saying which word was not one.</summary>
    public static List<KeyValuePair<string, string>>? TryParse(string options, out string? error)
    {
        error = null;
        var settings = new List<KeyValuePair<string, string>>();
        var words = Split(options);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            string? setting = null;
            if (word == "-c" && i + 1 < words.Count)
            {
                setting = words[++i];
            }
            else if (word.StartsWith("--", StringComparison.Ordinal) && word.Length > 2)
            {
                setting = word[2..];
                var equals = setting.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    setting = setting[..equals].Replace('-', '_') + setting[equals..];
                }
            }
            else if (word.StartsWith("-c", StringComparison.Ordinal) && word.Length > 2)
            {
                setting = word[2..];
            }
            var split = setting?.IndexOf('=', StringComparison.Ordinal) ?? -1;
            if (setting is null || split <= 0)
            {
                error = $"unsupported startup option \"{word}\" in options: only settings (-c name=value or --name=value) can be carried";
                return null;
            }
            settings.Add(new(setting[..split], setting[(split + 1)..]));
        }
        return settings;
    }

    private static List<string> Split(string options)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < options.Length; i++)
        {
            var c = options[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                continue;
            }
            if (c == '\\' && i + 1 < options.Length)
            {
                c = options[++i];
            }
            word.Append(c);
            inWord = true;
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }
}
