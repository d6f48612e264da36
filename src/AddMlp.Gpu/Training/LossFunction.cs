namespace AddMlp.Gpu;

/// <summary>What a run minimises, as PyTorch's loss modules compute it (mean over the samples).</summary>
public enum LossFunction
{
    /// <summary>MSELoss: (output − y)², the tutorial's.</summary>
    Mse,
    /// <summary>L1Loss: |output − y|.</summary>
    L1,
    /// <summary>SmoothL1Loss(beta = δ): (output − y)² / 2δ within δ of the label, |output − y| − δ/2 beyond.</summary>
    SmoothL1,
    /// <summary>HuberLoss(delta = δ): (output − y)² / 2 within δ of the label, δ·(|output − y| − δ/2) beyond.</summary>
    Huber,
}
