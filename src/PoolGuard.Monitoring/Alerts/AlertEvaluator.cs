using Microsoft.Extensions.Logging;
using PoolGuard.Config.Alerts;
using PoolGuard.Config.Model;

namespace PoolGuard.Monitoring.Alerts;

/// <summary>
/// Runs the alert engine every alert_evaluation_interval over the series /metrics serves, follows reloads
/// (the rules are re-read whenever the configuration changes), logs each transition once and hands it to
/// whoever listens (the event timeline, the notifiers). Readers get an immutable snapshot.
/// </summary>
public sealed class AlertEvaluator
{
    public const string LogCategory = "PoolGuard.Alerts";

    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    private readonly Func<PoolGuardConfig> _config;
    private readonly Func<IReadOnlyList<MetricSeries>> _collect;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly AlertEngine _engine = new([]);
    private readonly Lock _evaluating = new();
    private PoolGuardConfig? _planned;
    private volatile AlertSnapshot _snapshot = AlertSnapshot.Empty;

    /// <param name="config">The configuration in force, read at every evaluation.</param>
    /// <param name="collect">The series to evaluate: the same the /metrics endpoint writes.</param>
    public AlertEvaluator(Func<PoolGuardConfig> config, Func<IReadOnlyList<MetricSeries>> collect, ILogger logger, TimeProvider? time = null)
    {
        _config = config;
        _collect = collect;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public AlertSnapshot Snapshot => _snapshot;

    /// <summary>Raised for every alert that began firing or resolved, on the evaluator's loop; handlers must not block.</summary>
    public event Action<AlertTransition>? Transitioned;

    /// <summary>Raised after every evaluation with its snapshot and transitions (the notifiers resend what still
    /// fires from here), on the evaluator's loop; handlers must not block.</summary>
    public event Action<AlertSnapshot, IReadOnlyList<AlertTransition>>? Evaluated;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var interval = _config().AlertEvaluationInterval;
                if (interval <= TimeSpan.Zero)
                {
                    await Task.Delay(IdlePoll, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var started = _time.GetTimestamp();
                EvaluateOnce();
                var wait = interval - _time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One evaluation now; the loop's step, and what tests and diagnosis call.</summary>
    public IReadOnlyList<AlertTransition> EvaluateOnce()
    {
        IReadOnlyList<AlertTransition> transitions;
        AlertSnapshot snapshot;
        lock (_evaluating)
        {
            var config = _config();
            if (!ReferenceEquals(config, _planned))
            {
                var before = _engine.Rules.Select(r => r.Name).ToList();
                var rules = AlertRules.Effective(config);
                _engine.Replace(rules);
                if (_planned is null || config.AlertEvaluationInterval != _planned.AlertEvaluationInterval || !before.SequenceEqual(rules.Select(r => r.Name)))
                {
                    _logger.AlertRulesInForce(rules.Count, config.AlertEvaluationInterval.TotalSeconds);
                }
                _planned = config;
            }
            var now = _time.GetUtcNow();
            transitions = _engine.Evaluate(now, _collect());
            _snapshot = snapshot = new AlertSnapshot(now, _engine.Active, _engine.Rules);
        }

        foreach (var transition in transitions)
        {
            var alert = transition.Alert;
            var labels = alert.WhereText;
            if (transition.Firing)
            {
                _logger.AlertFiring(alert.Rule, alert.Severity, alert.Summary, labels);
            }
            else
            {
                _logger.AlertResolved(alert.Rule, alert.Summary, labels);
            }
            try
            {
                Transitioned?.Invoke(transition);
            }
            catch (Exception ex)
            {
                // A listener's fault must not stop the alerts of everyone else.
                _logger.AlertListenerFailed(ex, alert.Rule);
            }
        }
        try
        {
            Evaluated?.Invoke(snapshot, transitions);
        }
        catch (Exception ex)
        {
            _logger.AlertListenerFailed(ex, "(every rule)");
        }
        return transitions;
    }
}

/// <summary>The alerts after one evaluation (pending and firing) and the rules in force.</summary>
public sealed record AlertSnapshot(DateTimeOffset? EvaluatedAt, IReadOnlyList<Alert> Alerts, IReadOnlyList<AlertRuleEntry> Rules)
{
    public static readonly AlertSnapshot Empty = new(null, [], []);
}
