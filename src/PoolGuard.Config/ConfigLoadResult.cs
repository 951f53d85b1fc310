using PoolGuard.Config.Model;

namespace PoolGuard.Config;

/// <summary>A configuration that loaded and validated, with whatever deserves the operator's attention.</summary>
/// <param name="Config">The validated configuration.</param>
/// <param name="Warnings">Settings that were accepted but ignored or look risky; each names file and line or key,
/// and none contains a secret.</param>
/// <param name="SourceFile">Full path of the file that was loaded.</param>
public sealed record ConfigLoadResult(PoolGuardConfig Config, IReadOnlyList<string> Warnings, string SourceFile);
