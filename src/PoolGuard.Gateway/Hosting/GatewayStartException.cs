namespace PoolGuard.Gateway.Hosting;

/// <summary>The gateway could not start; the message names the setting and the reason.</summary>
public sealed class GatewayStartException(string message, Exception inner) : Exception(message, inner);
