//! Customers across attempts: who called, how often, and whether they were served in the
//! end. Needed only when a customer can come back (retrials, callback retries); otherwise
//! every customer makes exactly one attempt and is accounted for with it.
//!
//! Records live in a slab: a freed slot is reused by the next customer, so memory is
//! proportional to the customers still in play, not to all who ever called.

/// A customer still in play (waiting, in service, or due to call again).
#[derive(Debug, Clone, Copy)]
pub struct Customer {
    /// Talk time this customer needs, seconds (the same on every attempt).
    pub handle: f64,
    /// Reporting interval of the first attempt; `None` during a steady-state warm-up.
    pub first_interval: Option<u32>,
    /// Inbound attempts made so far.
    pub attempts: u32,
    /// Callback attempts made so far.
    pub callback_attempts: u32,
    /// When the customer accepted a callback, seconds.
    pub callback_requested_at: f64,
    /// Reporting interval of the attempt in which the callback was accepted.
    pub callback_interval: Option<u32>,
    /// Number of the attempt in which the callback was accepted.
    pub callback_attempt: u64,
    /// A proactive contact reached this customer before they called.
    pub reached: bool,
    /// The customer's call type (index in the center's types; 0 for a single queue).
    pub call_type: u32,
}

/// Index of a customer record.
pub type CustomerId = u32;

/// The slab of customers in play.
#[derive(Debug, Default)]
pub struct Customers {
    slots: Vec<Customer>,
    free: Vec<CustomerId>,
}

impl Customers {
    /// Adds a customer and returns their id.
    #[inline]
    pub fn insert(&mut self, customer: Customer) -> CustomerId {
        match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = customer;
                id
            }
            None => {
                self.slots.push(customer);
                (self.slots.len() - 1) as CustomerId
            }
        }
    }

    /// The record of customer `id`.
    #[inline]
    pub fn get(&self, id: CustomerId) -> &Customer {
        &self.slots[id as usize]
    }

    /// The record of customer `id`, to update.
    #[inline]
    pub fn get_mut(&mut self, id: CustomerId) -> &mut Customer {
        &mut self.slots[id as usize]
    }

    /// Removes customer `id` (served or lost) and returns the record.
    #[inline]
    pub fn remove(&mut self, id: CustomerId) -> Customer {
        self.free.push(id);
        self.slots[id as usize]
    }

    /// Customers in play.
    pub fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// True when no customer is in play.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_reused() {
        let c = Customer {
            handle: 1.0,
            first_interval: Some(0),
            attempts: 1,
            callback_attempts: 0,
            callback_requested_at: 0.0,
            callback_interval: None,
            callback_attempt: 0,
            reached: false,
            call_type: 0,
        };
        let mut all = Customers::default();
        let a = all.insert(c);
        let b = all.insert(c);
        all.get_mut(b).attempts = 2;
        assert_eq!(all.remove(b).attempts, 2);
        assert_eq!(all.insert(c), b);
        assert_eq!(all.len(), 2);
        all.remove(a);
        all.remove(b);
        assert!(all.is_empty());
    }
}
