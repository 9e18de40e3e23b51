// Ranking metrics for link prediction, exactly as scikit-learn defines them. Labels are 0/1;
// both classes must be present (each metric is undefined otherwise) and scores finite.
#pragma once
#include <vector>

namespace vgrad {

// Area under the ROC curve: the probability that a random positive scores above a random
// negative, a tie counting one half (sklearn's roc_auc_score). O(n log n): one sort.
double roc_auc(const std::vector<float>& scores, const std::vector<int>& labels);

// sklearn's average_precision_score: AP = sum_n (R_n - R_{n-1}) P_n over the distinct score
// thresholds from high to low, a step function with no interpolation (tied scores enter
// together at one threshold).
double average_precision(const std::vector<float>& scores, const std::vector<int>& labels);

// The middle value (the mean of the two middle ones for an even count); NaN for none.
double median(std::vector<double> values);

}  // namespace vgrad
