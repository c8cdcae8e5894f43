//! Randomised, blocked allocation of animals to groups, with blind codes.
//!
//! Complete randomisation permutes n copies of every group label. Blocked randomisation
//! (permuted blocks; Altman & Bland 1999, BMJ 318:1209) cuts the run order into blocks of
//! one cage or one testing batch and permutes, inside each block, an equal number of every
//! group: each cage (or batch) then holds the groups equally often, so cage and time-of-day
//! effects cannot masquerade as treatment effects.

use std::collections::BTreeSet;

use crate::protocol::BlockBy;

use super::random::StudyRng;

/// Characters of blind codes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G look-alikes.
const CODE_ALPHABET: &[u8] = b"ACDEFHJKMNPRTUVWXY34679";
const CODE_LENGTH: usize = 3;

/// One animal's place in the study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocatedAnimal {
    /// 1-based testing order.
    pub run_order: u32,
    pub blind_code: String,
    /// Index into the protocol's `design.groups`.
    pub group: usize,
    pub cage: u32,
    pub batch: Option<u32>,
}

/// How the study is laid out: what `preclin template` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRequest {
    pub n_per_group: u32,
    pub block_by: Option<BlockBy>,
    pub animals_per_cage: u32,
    pub batch_size: Option<u32>,
    pub seed: u64,
    /// First character(s) of every blind code (the protocol's `blinding.code_prefix`).
    pub code_prefix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("n per group is {0}; at least 2 are needed")]
    TooFewAnimals(u32),
    #[error("n per group is {0}, more than the {max} a study's sheets are made for; split a larger colony into several studies", max = crate::protocol::MAX_N_PER_GROUP)]
    TooManyAnimals(u32),
    #[error("cannot block by {by}: a {by} holds {size} animals, which is not a multiple of the {groups} groups")]
    UnbalancedBlock {
        by: &'static str,
        size: u32,
        groups: usize,
    },
    #[error("cannot block by batch: the protocol gives no randomisation.batch_size")]
    NoBatchSize,
}

/// Allocates `groups × n_per_group` animals. The result is in run order.
pub fn allocate(
    groups: usize,
    req: &AllocationRequest,
) -> Result<Vec<AllocatedAnimal>, AllocationError> {
    if req.n_per_group < 2 {
        return Err(AllocationError::TooFewAnimals(req.n_per_group));
    }
    if req.n_per_group > crate::protocol::MAX_N_PER_GROUP {
        return Err(AllocationError::TooManyAnimals(req.n_per_group));
    }
    let total = groups * req.n_per_group as usize;
    let block_size = match req.block_by {
        None => total,
        Some(BlockBy::Cage) => req.animals_per_cage as usize,
        Some(BlockBy::Batch) => req.batch_size.ok_or(AllocationError::NoBatchSize)? as usize,
    };
    if block_size == 0 || block_size % groups != 0 {
        let by = req.block_by.map_or("study", BlockBy::as_str);
        return Err(AllocationError::UnbalancedBlock {
            by,
            size: block_size as u32,
            groups,
        });
    }
    let mut rng = StudyRng::new(req.seed, "allocation");
    let mut sequence = Vec::with_capacity(total);
    let mut start = 0;
    while start < total {
        // The last block may be shorter; it is still a multiple of the group count.
        let size = block_size.min(total - start);
        let mut block: Vec<usize> = (0..size).map(|i| i % groups).collect();
        rng.shuffle(&mut block);
        sequence.extend(block);
        start += size;
    }
    let codes = blind_codes(total, req.seed, &req.code_prefix);
    Ok(sequence
        .into_iter()
        .enumerate()
        .map(|(i, group)| AllocatedAnimal {
            run_order: i as u32 + 1,
            blind_code: codes[i].clone(),
            group,
            cage: (i / req.animals_per_cage.max(1) as usize) as u32 + 1,
            batch: req.batch_size.map(|b| (i / b.max(1) as usize) as u32 + 1),
        })
        .collect())
}

/// `count` distinct random codes, each `prefix` followed by three characters.
pub fn blind_codes(count: usize, seed: u64, prefix: &str) -> Vec<String> {
    let mut rng = StudyRng::new(seed, "blind-codes");
    let mut seen = BTreeSet::new();
    let mut codes = Vec::with_capacity(count);
    while codes.len() < count {
        let code: String = (0..CODE_LENGTH)
            .map(|_| CODE_ALPHABET[rng.below(CODE_ALPHABET.len() as u64) as usize] as char)
            .collect();
        if seen.insert(code.clone()) {
            codes.push(format!("{prefix}{code}"));
        }
    }
    codes
}

/// Letter codes for the solutions of each group (A, B, C … in a random order).
pub fn solution_codes(groups: usize, seed: u64) -> Vec<String> {
    let mut letters: Vec<String> = (0..groups).map(letter_code).collect();
    StudyRng::new(seed, "solution-codes").shuffle(&mut letters);
    letters
}

fn letter_code(i: usize) -> String {
    let a = (b'A' + (i % 26) as u8) as char;
    if i < 26 {
        a.to_string()
    } else {
        format!("{a}{}", i / 26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(
        n: u32,
        block_by: Option<BlockBy>,
        per_cage: u32,
        batch: Option<u32>,
        seed: u64,
    ) -> AllocationRequest {
        AllocationRequest {
            n_per_group: n,
            block_by,
            animals_per_cage: per_cage,
            batch_size: batch,
            seed,
            code_prefix: String::new(),
        }
    }

    fn counts(animals: &[AllocatedAnimal], groups: usize) -> Vec<usize> {
        (0..groups)
            .map(|g| animals.iter().filter(|a| a.group == g).count())
            .collect()
    }

    #[test]
    fn every_group_gets_n_animals() {
        for seed in 0..20 {
            let a = allocate(3, &req(7, None, 4, None, seed)).unwrap();
            assert_eq!(counts(&a, 3), vec![7, 7, 7]);
        }
    }

    #[test]
    fn each_cage_holds_every_group_equally() {
        for seed in 0..20 {
            let a = allocate(2, &req(5, Some(BlockBy::Cage), 4, None, seed)).unwrap();
            assert_eq!(counts(&a, 2), vec![5, 5]);
            for cage in 1..=2 {
                let in_cage: Vec<_> = a.iter().filter(|x| x.cage == cage).cloned().collect();
                assert_eq!(counts(&in_cage, 2), vec![2, 2], "cage {cage}, seed {seed}");
            }
            // The last cage holds the remaining two animals, one per group.
            let last: Vec<_> = a.iter().filter(|x| x.cage == 3).cloned().collect();
            assert_eq!(counts(&last, 2), vec![1, 1]);
        }
    }

    #[test]
    fn each_batch_holds_every_group_equally() {
        let a = allocate(4, &req(10, Some(BlockBy::Batch), 1, Some(8), 99)).unwrap();
        for batch in 1..=5 {
            let b: Vec<_> = a
                .iter()
                .filter(|x| x.batch == Some(batch))
                .cloned()
                .collect();
            assert_eq!(counts(&b, 4), vec![2, 2, 2, 2]);
        }
    }

    #[test]
    fn unbalanced_blocks_are_refused() {
        let err = allocate(3, &req(4, Some(BlockBy::Cage), 4, None, 1)).unwrap_err();
        assert_eq!(
            err,
            AllocationError::UnbalancedBlock {
                by: "cage",
                size: 4,
                groups: 3
            }
        );
        assert_eq!(
            allocate(2, &req(4, Some(BlockBy::Batch), 4, None, 1)).unwrap_err(),
            AllocationError::NoBatchSize
        );
        assert_eq!(
            allocate(2, &req(1, None, 4, None, 1)).unwrap_err(),
            AllocationError::TooFewAnimals(1)
        );
    }

    #[test]
    fn allocation_depends_on_the_seed() {
        let a = allocate(2, &req(10, None, 4, None, 1)).unwrap();
        let b = allocate(2, &req(10, None, 4, None, 2)).unwrap();
        let groups = |v: &[AllocatedAnimal]| v.iter().map(|x| x.group).collect::<Vec<_>>();
        assert_ne!(groups(&a), groups(&b));
        assert_eq!(a, allocate(2, &req(10, None, 4, None, 1)).unwrap());
    }

    #[test]
    fn blind_codes_are_distinct_and_unambiguous() {
        let codes = blind_codes(500, 5, "M");
        let set: BTreeSet<_> = codes.iter().collect();
        assert_eq!(set.len(), 500);
        assert!(codes.iter().all(|c| c.len() == 4 && c.starts_with('M')));
        assert!(codes.iter().all(|c| !c[1..].contains(['0', 'O', '1', 'I'])));
    }
}
