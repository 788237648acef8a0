Feature: Order lifecycle
  An order moves from pending to paid to shipped; a pending order may be cancelled, which
  puts its stock back; a paid or shipped order may be refunded by an admin. Any other move is
  refused as a conflict. Customers only ever see their own orders; admins see all of them.

  Background:
    Given the catalog has a product "Blue Mug" priced $9.00 with 10 in stock
    And an admin "root@example.com"
    And the admin is signed in
    And a verified customer "ana@example.com"
    And she is signed in
    And she has ordered 2 "Blue Mug"

  Scenario: A customer cancels her pending order and the stock comes back
    When she cancels her order
    Then the request succeeds
    And the order is "cancelled"
    And "Blue Mug" has 10 in stock

  Scenario: An admin cancels a customer's pending order
    When the admin cancels the order
    Then the request succeeds
    And the order is "cancelled"
    And "Blue Mug" has 10 in stock

  Scenario: A paid order cannot be cancelled
    Given she has paid for her order
    When she cancels her order
    Then the request is refused as a conflict
    And the order is "paid"
    And "Blue Mug" has 8 in stock

  Scenario: A cancelled order cannot be cancelled again
    Given she has cancelled her order
    When she cancels her order
    Then the request is refused as a conflict
    And "Blue Mug" has 10 in stock

  Scenario: A cancelled order cannot be paid
    Given she has cancelled her order
    When she pays for her order
    Then the request is refused as a conflict

  Scenario: Staff ship a paid order and the customer is told
    Given she has paid for her order
    And an editor "eddie@example.com"
    And he is signed in
    When he ships the order
    Then the request succeeds
    And the order is "shipped"
    And a shipping email is sent to "ana@example.com"

  Scenario: An order that is not paid cannot be shipped
    When the admin ships the order
    Then the request is refused as a conflict
    And the order is "pending"
    And no shipping email is sent to "ana@example.com"

  Scenario: A shipped order cannot be shipped again
    Given she has paid for her order
    And the admin has shipped the order
    When the admin ships the order
    Then the request is refused as a conflict

  Scenario: Customers cannot ship orders
    Given she has paid for her order
    When she ships her order
    Then the request is refused as forbidden
    And the order is "paid"

  Scenario: The admin refunds a paid order and the customer is told
    Given she has paid for her order
    When the admin refunds the order
    Then the request succeeds
    And the order is "refunded"
    And a refund email is sent to "ana@example.com"

  Scenario: The admin refunds a shipped order
    Given she has paid for her order
    And the admin has shipped the order
    When the admin refunds the order
    Then the request succeeds
    And the order is "refunded"

  Scenario: A pending order cannot be refunded
    When the admin refunds the order
    Then the request is refused as a conflict
    And the order is "pending"

  Scenario: A refunded order cannot be refunded again
    Given she has paid for her order
    And the admin has refunded the order
    When the admin refunds the order
    Then the request is refused as a conflict
    And 1 refund email has been sent to "ana@example.com"

  Scenario: A refunded order cannot be shipped
    Given she has paid for her order
    And the admin has refunded the order
    When the admin ships the order
    Then the request is refused as a conflict

  Scenario: Only admins refund
    Given she has paid for her order
    And an editor "eddie@example.com"
    And he is signed in
    When he refunds the order
    Then the request is refused as forbidden
    And the order is "paid"

  Scenario: Customers cannot refund their own orders
    Given she has paid for her order
    When she refunds her order
    Then the request is refused as forbidden

  Scenario: A customer sees her own order
    When she views her order
    Then the request succeeds
    And the returned order is "pending" with a total of $18.00

  Scenario: Another customer's order is not found
    Given a verified customer "bob@example.com"
    And he is signed in
    When "bob@example.com" views the order of "ana@example.com"
    Then the request is refused as not found

  Scenario: Another customer cannot cancel an order that is not hers
    Given a verified customer "bob@example.com"
    And he is signed in
    When "bob@example.com" cancels the order of "ana@example.com"
    Then the request is refused as not found
    And the order is "pending"

  Scenario: Another customer cannot pay for an order that is not hers
    Given a verified customer "bob@example.com"
    And he is signed in
    When "bob@example.com" pays for the order of "ana@example.com"
    Then the request is refused as not found

  Scenario: An order that does not exist is not found
    When she views an order that does not exist
    Then the request is refused as not found

  Scenario: Customers list only their own orders
    Given a verified customer "bob@example.com"
    And he is signed in
    And he has ordered 3 "Blue Mug"
    When "ana@example.com" lists her orders
    Then the request succeeds
    And the listed orders belong to "ana@example.com"

  Scenario: Admins see every order, newest first
    Given a verified customer "bob@example.com"
    And he is signed in
    And he has ordered 3 "Blue Mug"
    When the admin lists the orders
    Then the listed orders belong to "bob@example.com", "ana@example.com"
    And the list counts 2 orders in total on 1 page

  Scenario: Admins filter orders by status
    Given a verified customer "bob@example.com"
    And he is signed in
    And he has ordered 3 "Blue Mug"
    And he has paid for his order
    When the admin lists the orders with the status "paid"
    Then the listed orders belong to "bob@example.com"

  Scenario: Admins filter orders by customer
    Given a verified customer "bob@example.com"
    And he is signed in
    And he has ordered 3 "Blue Mug"
    When the admin lists the orders of "ana@example.com"
    Then the listed orders belong to "ana@example.com"

  Scenario: Admins sort orders by total
    Given a verified customer "bob@example.com"
    And he is signed in
    And he has ordered 3 "Blue Mug"
    When the admin lists the orders sorted by "-totalCents"
    Then the listed orders belong to "bob@example.com", "ana@example.com"

  Scenario: Sorting orders by a field that cannot be sorted on is refused
    When the admin lists the orders sorted by "status"
    Then the request is refused as invalid with a problem on "sort"
