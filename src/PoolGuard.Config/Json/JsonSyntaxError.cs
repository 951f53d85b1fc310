using System.Globalization;
using System.Text.RegularExpressions;

namespace PoolGuard.Config.Json;

/// <summary>
/// Turns the JSON provider's "Failed to load configuration" exception into an error that names the line.
/// The provider wraps System.Text.Json's reader error, whose message ends with
/// "LineNumber: N | BytePositionInLine: M." — both counted from zero.
/// </summary>
internal static partial class JsonSyntaxError
{
    public static ConfigError From(string file, Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        var match = Position().Match(innermost.Message);
        if (!match.Success)
        {
            // Duplicate keys and a non-object top level come without a position.
            return new ConfigError(file, "file", $"invalid JSON: {innermost.Message}");
        }

        var line = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture) + 1;
        var column = int.Parse(match.Groups["byte"].Value, CultureInfo.InvariantCulture) + 1;
        var what = innermost.Message[..match.Index].Trim();
        return new ConfigError(file, $"line {line}", $"invalid JSON at byte {column} of the line: {what}");
    }

    [GeneratedRegex(@"LineNumber: (?<line>\d+) \| BytePositionInLine: (?<byte>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Position();
}
