//! Compensated summation (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren zur
//! Summation endlicher Summen", ZAMM 54:39–51): the error of a sum no longer grows with
//! the number of terms, which the NIST StRD data with many constant leading digits need.

/// A running sum that carries the low-order bits lost by each addition.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NeumaierSum {
    sum: f64,
    compensation: f64,
}

impl NeumaierSum {
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    pub fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

impl FromIterator<f64> for NeumaierSum {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut s = NeumaierSum::default();
        for x in iter {
            s.add(x);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_what_naive_summation_loses() {
        let values = [1.0, 1e100, 1.0, -1e100];
        let naive: f64 = values.iter().sum();
        assert_eq!(naive, 0.0);
        assert_eq!(values.iter().copied().collect::<NeumaierSum>().value(), 2.0);
    }
}
