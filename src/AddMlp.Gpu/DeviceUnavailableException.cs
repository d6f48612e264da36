namespace AddMlp.Gpu;

/// <summary>The user asked for a device this machine or this build cannot provide.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);
