using TorchSharp;
using static TorchSharp.torch;

namespace AddMlp.Gpu;

/// <summary>
/// The loss a run minimises (<see cref="TrainOptions.Loss"/>, with <see cref="TrainOptions.HuberDelta"/>), the
/// mean over the samples as PyTorch's MSELoss, L1Loss, SmoothL1Loss and HuberLoss compute it: for the native
/// kernels libtorch's own functions (autograd finds the gradient), for the portable ones the per-sample terms
/// and the gradient as libtorch's backward kernels compute them, one IEEE operation at a time.
/// </summary>
internal readonly record struct Criterion(LossFunction Function, double Delta)
{
    public static Criterion Of(TrainOptions options) => new(options.Loss, options.HuberDelta);

    /// <summary>The loss of <paramref name="output"/> against <paramref name="y"/>, by libtorch: a 0-dim tensor.</summary>
    public Tensor Native(Tensor output, Tensor y) => Function switch
    {
        LossFunction.L1 => nn.functional.l1_loss(output, y),
        LossFunction.SmoothL1 => nn.functional.smooth_l1_loss(output, y, beta: Delta),
        LossFunction.Huber => nn.functional.huber_loss(output, y, delta: Delta),
        _ => nn.functional.mse_loss(output, y),
    };

    /// <summary>Each sample's term of the loss, from its error (output − y); the loss is their mean.</summary>
    public Tensor Terms(Tensor difference)
    {
        if (Function == LossFunction.Mse)
            return difference.mul(difference);
        Tensor error = difference.abs();
        if (Function == LossFunction.L1)
            return error;
        // huber_kernel and smooth_l1_kernel: quadratic below delta (beta), linear from it on.
        using Scalar delta = Delta, half = 0.5, halfDelta = 0.5 * Delta;
        Tensor quadratic = error.mul(half).mul(error);
        Tensor linear = Function == LossFunction.Huber ? error.sub(halfDelta).mul(delta) : error.sub(halfDelta);
        if (Function == LossFunction.SmoothL1)
            quadratic = quadratic.div(delta);
        return where(error.lt(delta), quadratic, linear);
    }

    /// <summary>d loss / d output for each sample, from its error (output − y), as the loss's backward computes it with norm = 1/n (2/n for MSE).</summary>
    public Tensor OutputGradient(Tensor difference, long n)
    {
        if (Function == LossFunction.Mse)
        {
            using Scalar twoOverN = 2.0 / n;
            return difference.mul(twoOverN); // mse_loss_backward: (output − y) · 2/n
        }
        using Scalar norm = 1.0 / n, delta = Delta, minusDelta = -Delta;
        return Function switch
        {
            LossFunction.L1 => difference.sign().mul(norm), // abs's backward after mean's: sign(output − y) · 1/n
            LossFunction.Huber => difference.clamp(minusDelta, delta).mul(norm), // huber_backward: ±delta beyond it, the error within
            _ => where(difference.abs().lt(delta), difference.mul(norm).div(delta), difference.sign().mul(norm)), // smooth_l1_backward
        };
    }
}
