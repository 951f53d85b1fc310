using System.Globalization;
using System.Text.RegularExpressions;

namespace PoolGuard.Incidents.Markdown;

/// <summary>
/// Times and dates as postmortems write them: 10:30 AM, 10:30am, 14:30, 14:30:05, with an optional date before them
/// (2024-03-02, March 2, 2024, 2 March 2024, Mar 2); and a Duration line's date and "from T to T" span.
/// </summary>
internal static partial class ClockText
{
    private static readonly string[] MonthFormats = ["MMMM d yyyy", "MMM d yyyy", "d MMMM yyyy", "d MMM yyyy"];

    /// <summary>A time of day (and the date written with it, if any); false when the text holds none.</summary>
    public static bool TryParseTime(string text, out TimeOnly time, out DateOnly? date)
    {
        time = default;
        date = FindDate(text);
        var match = Time().Match(text);
        if (!match.Success)
        {
            return false;
        }
        var hour = int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minute = int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture);
        var second = match.Groups["s"].Success ? int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
        if (match.Groups["ampm"].Success)
        {
            if (hour is < 1 or > 12)
            {
                return false;
            }
            var pm = match.Groups["ampm"].Value.StartsWith('p') || match.Groups["ampm"].Value.StartsWith('P');
            hour = hour % 12 + (pm ? 12 : 0);
        }
        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        time = new TimeOnly(hour, minute, second);
        return true;
    }

    /// <summary>The first date written in the text, in any of the accepted forms.</summary>
    public static DateOnly? FindDate(string text)
    {
        if (Iso().Match(text) is { Success: true } iso && DateOnly.TryParseExact(iso.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var isoDate))
        {
            return isoDate;
        }
        foreach (Match written in Written().Matches(text))
        {
            var normalised = Regex.Replace(written.Value.Replace(",", " ", StringComparison.Ordinal), @"(\d)(st|nd|rd|th)\b", "$1").Trim();
            normalised = Regex.Replace(normalised, @"\s+", " ");
            if (DateOnly.TryParseExact(normalised, MonthFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }
        }
        return null;
    }

    /// <summary>"from 10:00 AM to 2:30 PM": the two times of a Duration line; null when it has no such span.</summary>
    public static (TimeOnly From, TimeOnly To)? Span(string text)
    {
        var match = FromTo().Match(text);
        return match.Success && TryParseTime(match.Groups["a"].Value, out var from, out _) && TryParseTime(match.Groups["b"].Value, out var to, out _) ? (from, to) : null;
    }

    /// <summary>"lasted 4.5 hours", "90 minutes": the duration a Duration line states.</summary>
    public static TimeSpan? Lasted(string text)
    {
        var match = Amount().Match(text);
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }
        return match.Groups["u"].Value.StartsWith('h') ? TimeSpan.FromHours(amount) : TimeSpan.FromMinutes(amount);
    }

    [GeneratedRegex(@"(?<![\d:])(?<h>\d{1,2}):(?<m>\d{2})(?::(?<s>\d{2}))?\s*(?<ampm>[AaPp]\.?[Mm]\.?)?(?![\d:])")]
    private static partial Regex Time();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
    private static partial Regex Iso();

    [GeneratedRegex(@"\b(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+\d{4})\b")]
    private static partial Regex Written();

    [GeneratedRegex(@"\bfrom\s+(?<a>\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?)\s+(?:to|until|till|-|–)\s+(?<b>\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?)", RegexOptions.IgnoreCase)]
    private static partial Regex FromTo();

    [GeneratedRegex(@"(?<n>\d+(?:\.\d+)?)\s*(?<u>hours?|hrs?|h\b|minutes?|mins?)", RegexOptions.IgnoreCase)]
    private static partial Regex Amount();
}
