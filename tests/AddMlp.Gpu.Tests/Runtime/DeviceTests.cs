using AddMlp.Gpu.Cli;

namespace AddMlp.Gpu.Tests;

/// <summary>Device resolution on this machine (no GPU, CPU build), and the messages users see (worded by the CLI).</summary>
[Collection(TorchCollection.Name)] // Devices.Resolve asks libtorch in this process
public sealed class DeviceTests
{
    [WithoutCudaFact]
    public void Auto_resolves_to_the_cpu_here_and_says_why()
    {
        ResolvedDevice device = Devices.Resolve(DeviceRequest.Auto);
        Assert.Equal("cpu", device.Name);
        Assert.StartsWith("auto; CUDA unavailable: ", device.Reason);
    }

    [WithoutCudaTheory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    [InlineData("cuda:3")]
    public void Explicit_cuda_without_cuda_throws_with_the_reason(string name)
    {
        var e = Assert.Throws<DeviceUnavailableException>(() => Devices.Resolve(DeviceRequest.Parse(name)));
        string message = Failures.Describe(e).Message;
        Assert.Contains($"--device {name}: CUDA is unavailable", message);
        Assert.Contains("CPU-only libtorch", message);
    }

    [Theory]
    [InlineData("auto", true)]
    [InlineData("cpu", true)]
    [InlineData("cuda", true)]
    [InlineData("cuda:12", true)]
    [InlineData("gpu", false)]
    [InlineData("cuda:", false)]
    [InlineData("CPU", false)]
    [InlineData("cuda:-1", false)]
    public void Device_names_are_auto_cpu_cuda_or_cuda_N(string name, bool valid)
    {
        Assert.Equal(valid, DeviceRequest.TryParse(name, out DeviceRequest request));
        if (valid)
            Assert.Equal(name, request.ToString()); // parsed once, written back as given
    }
}
