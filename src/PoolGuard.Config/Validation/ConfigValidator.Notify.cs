using PoolGuard.Config.Values;

namespace PoolGuard.Config.Validation;

/// <summary>Checks of where alert notifications go (Alertmanager, webhooks) and how they are sent.</summary>
internal sealed partial class ConfigValidator
{
    private static readonly TimeSpan LongestNotifyTimeout = TimeSpan.FromMinutes(1);

    private void CheckNotify()
    {
        foreach (var (url, index) in _config.AlertmanagerUrls.Select((u, i) => (u, i)))
        {
            if (UrlProblem(url) is { } problem)
            {
                Error("AlertmanagerUrls", $"{Name("AlertmanagerUrls")} entry {index + 1} ('{url}') {problem}");
            }
            else if (new Uri(url).UserInfo.Length > 0)
            {
                Error("AlertmanagerUrls", $"{Name("AlertmanagerUrls")} entry {index + 1} has credentials in it, which SHOW CONFIG and reload lists would print; put Alertmanager behind a loopback proxy that adds them");
            }
        }

        // Webhook URLs are secrets (tokens in the path): a problem names the entry, never the URL.
        foreach (var (url, index) in _config.AlertWebhookUrls.Select((u, i) => (u, i)))
        {
            if (UrlProblem(url) is { } problem)
            {
                Error("AlertWebhookUrls", $"{Name("AlertWebhookUrls")} entry {index + 1} {problem}");
            }
        }

        if (_config.AlertExternalUrl.Length > 0 && UrlProblem(_config.AlertExternalUrl) is { } external)
        {
            Error("AlertExternalUrl", $"{Name("AlertExternalUrl")} ('{_config.AlertExternalUrl}') {external}");
        }

        var timeout = _config.AlertNotifyTimeout;
        if (timeout <= TimeSpan.Zero || timeout > LongestNotifyTimeout)
        {
            Error("AlertNotifyTimeout", $"{Name("AlertNotifyTimeout")} must be more than 0 and at most {DurationParser.Format(LongestNotifyTimeout)}, got {DurationParser.Format(timeout)}");
        }

        var resend = _config.AlertResendInterval;
        if (resend < TimeSpan.FromSeconds(1))
        {
            Error("AlertResendInterval", $"{Name("AlertResendInterval")} must be at least 1s, got {DurationParser.Format(resend)}");
        }
        else if (_config.AlertmanagerUrls.Count > 0 && _config.AlertEvaluationInterval == TimeSpan.Zero)
        {
            Warn("AlertmanagerUrls", $"{Name("AlertmanagerUrls")} is set but {Name("AlertEvaluationInterval")} is 0: no alert is evaluated, so none is sent");
        }
    }

    private static string? UrlProblem(string url) =>
        // "/x" parses as file:///x on Unix: an absolute URL here has a scheme and an authority.
        !url.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) ? "is not an absolute URL such as http://127.0.0.1:9093"
        : uri.Scheme is not ("http" or "https") ? $"must be http or https, not {uri.Scheme}"
        : null;
}
