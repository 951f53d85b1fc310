namespace PoolGuard.Config.Model;

/// <summary>
/// Marks a setting whose value must never be shown (passwords, verifiers, tokens): change lists,
/// logs, events and the admin console name it and say that it changed, nothing more. A new secret
/// setting gets this attribute and is covered everywhere at once.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;
