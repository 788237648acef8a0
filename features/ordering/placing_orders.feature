Feature: Placing orders
  A signed-in customer orders products from the catalog. The order captures today's prices,
  gives loyal customers their tier discount and reserves the stock at once, so nothing is
  sold twice. Small orders, impossible quantities and products not on sale are refused.

  Background:
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And the catalog has a product "Red Plate" priced $12.50 with 5 in stock
    And a verified customer "ana@example.com"
    And she is signed in

  Scenario: A customer orders two mugs
    When "ana@example.com" orders 2 "Blue Mug"
    Then the request succeeds
    And the order is "pending"
    And the order has a line of 2 "Blue Mug" at $9.00 each
    And the order subtotal is $18.00
    And the order discount is $0.00
    And the order total is $18.00

  Scenario: An order with several products
    When she orders 2 "Blue Mug" and 1 "Red Plate"
    Then the request succeeds
    And the order has a line of 2 "Blue Mug" at $9.00 each
    And the order has a line of 1 "Red Plate" at $12.50 each
    And the order total is $30.50

  Scenario: Ordering reserves the stock
    When she orders 2 "Blue Mug" and 5 "Red Plate"
    Then "Blue Mug" has 8 in stock
    And "Red Plate" has 0 in stock

  Scenario: Prices are captured when the order is placed
    Given an admin "root@example.com"
    And the admin is signed in
    And "ana@example.com" has ordered 2 "Blue Mug"
    When the admin changes the price of "Blue Mug" to $15.00
    Then the order has a line of 2 "Blue Mug" at $9.00 each
    And the order total is $18.00

  Scenario: Orders under $10 are refused
    When she orders 1 "Blue Mug"
    Then the request is refused by a business rule with the message "Minimum order amount is $10"
    And "Blue Mug" has 10 in stock

  Scenario: Exactly $10 is enough
    Given the catalog has a product "Tea Towel" priced $5.00 with 4 in stock
    When she orders 2 "Tea Towel"
    Then the request succeeds
    And the order total is $10.00

  Scenario Outline: Loyal customers get a discount by tier
    Given a <tier> customer "vip@example.com"
    And she is signed in
    When she orders 4 "Red Plate"
    Then the request succeeds
    And the order subtotal is $50.00
    And the order discount is <discount>
    And the order total is <total>

    Examples:
      | tier     | discount | total  |
      | standard | $0.00    | $50.00 |
      | regular  | $5.00    | $45.00 |
      | premium  | $10.00   | $40.00 |

  Scenario: The minimum applies before the discount
    Given a premium customer "vip@example.com"
    And she is signed in
    When she orders 1 "Red Plate"
    Then the request succeeds
    And the order subtotal is $12.50
    And the order total is $10.00

  Scenario: Not enough stock is refused, naming the product
    When she orders 2 "Blue Mug" and 6 "Red Plate"
    Then the request is refused as a conflict with the message "Insufficient stock for Red Plate"
    And "Blue Mug" has 10 in stock
    And "Red Plate" has 5 in stock

  Scenario: The same product twice is refused
    When she orders 1 "Blue Mug" and 1 "Blue Mug"
    Then the request is refused as invalid with a problem on the product of item 2

  Scenario: A quantity of zero is refused
    When she orders 0 "Blue Mug" and 1 "Red Plate"
    Then the request is refused as invalid with a problem on the quantity of item 1

  Scenario: More than 100 of one product is refused
    Given the catalog has a product "Paper Cup" priced $0.10 with 500 in stock
    When she orders 101 "Paper Cup"
    Then the request is refused as invalid with a problem on the quantity of item 1
    And "Paper Cup" has 500 in stock

  Scenario: 100 of one product is fine
    Given the catalog has a product "Paper Cup" priced $0.10 with 500 in stock
    When she orders 100 "Paper Cup"
    Then the request succeeds
    And "Paper Cup" has 400 in stock

  Scenario: An order needs at least one product
    When she orders nothing
    Then the request is refused as invalid with a problem on "items"

  Scenario: A product that does not exist is refused
    Given there is no product "Ghost Mug" in the catalog
    When she orders 2 "Ghost Mug"
    Then the request is refused as invalid with a problem on the product of item 1

  Scenario: A product off sale cannot be ordered
    Given the catalog has an inactive product "Old Teapot" priced $30.00 with 5 in stock
    When she orders 1 "Old Teapot"
    Then the request is refused as invalid with a problem on the product of item 1
    And "Old Teapot" has 5 in stock

  Scenario: Visitors who are not signed in cannot order
    When an anonymous visitor orders 2 "Blue Mug"
    Then the request is refused as unauthorized

  Scenario: Retrying with the same key returns the same order
    When she orders 2 "Blue Mug" with the key "checkout-42"
    And she orders 2 "Blue Mug" with the key "checkout-42"
    Then both attempts returned the same order
    And she has 1 order
    And "Blue Mug" has 8 in stock

  Scenario: A key already used for other items is refused
    Given the catalog has a product "Red Plate" priced $12.00 with 5 in stock
    When she orders 2 "Blue Mug" with the key "checkout-42"
    And she orders 3 "Blue Mug" with the key "checkout-42"
    Then the request is refused by a business rule with the message "Idempotency-Key was used with a different request"
    And she has 1 order
    And "Blue Mug" has 8 in stock

  Scenario: A key already used is refused for other products too
    Given the catalog has a product "Red Plate" priced $12.00 with 5 in stock
    When she orders 2 "Blue Mug" with the key "checkout-42"
    And she orders 2 "Blue Mug" and 1 "Red Plate" with the key "checkout-42"
    Then the request is refused by a business rule with the message "Idempotency-Key was used with a different request"
    And "Red Plate" has 5 in stock

  Scenario: Different keys place different orders
    When she orders 2 "Blue Mug" with the key "checkout-1"
    And she orders 2 "Blue Mug" with the key "checkout-2"
    Then she has 2 orders
    And "Blue Mug" has 6 in stock

  Scenario: Another customer's key is a key of her own
    Given a verified customer "bob@example.com"
    And he is signed in
    When "ana@example.com" orders 2 "Blue Mug" with the key "checkout-42"
    And "bob@example.com" orders 2 "Blue Mug" with the key "checkout-42"
    Then "ana@example.com" has 1 order
    And "bob@example.com" has 1 order
    And "Blue Mug" has 6 in stock
