using System.Globalization;
using System.Text.RegularExpressions;

namespace PoolGuard.Config.Values;

/// <summary>
/// Reads durations in every form the configuration accepts: "00:00:30" (TimeSpan), a number with a unit
/// ("500ms", "30s", "5m", "1h", "1d"), or a bare number of seconds, which may be fractional ("0.5") because
/// that is how pgbouncer.ini writes them. Negative values parse so the validator can report them by name.
/// </summary>
internal static partial class DurationParser
{
    public const string ExpectedForm =
        "a duration such as \"30s\", \"500ms\", \"5m\", \"1h\", \"00:00:30\" or a number of seconds";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();

        // The number forms go first: TimeSpan.TryParse would read a bare "30" as thirty days.
        var match = NumberWithUnit().Match(text);
        if (match.Success)
        {
            var unitTicks = TicksPer(match.Groups["unit"].Value.ToLowerInvariant());
            // Compare before multiplying: a long run of digits would overflow even decimal.
            if (!decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                || Math.Abs(number) > TimeSpan.MaxValue.Ticks / unitTicks)
            {
                return false;
            }

            value = TimeSpan.FromTicks((long)decimal.Round(number * unitTicks));
            return true;
        }

        return text.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Writes a duration the way the documentation does, for messages ("30s", "1500ms", "00:10:00").</summary>
    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0
            ? $"{(long)value.TotalSeconds}s"
            : $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";

    private static decimal TicksPer(string unit) => unit switch
    {
        "ms" => TimeSpan.TicksPerMillisecond,
        "m" => TimeSpan.TicksPerMinute,
        "h" => TimeSpan.TicksPerHour,
        "d" => TimeSpan.TicksPerDay,
        _ => TimeSpan.TicksPerSecond, // "s" or no unit: seconds, as PgBouncer reads them
    };

    [GeneratedRegex(@"^(?<number>[+-]?(\d+(\.\d*)?|\.\d+))\s*(?<unit>ms|s|m|h|d)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NumberWithUnit();
}
