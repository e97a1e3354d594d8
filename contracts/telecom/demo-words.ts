// Vocabulary of the telecom demo data: plausible names, places, products and care topics.

export const FIRST_NAMES = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Tim', 'Barbara', 'Ken', 'Radia', 'Dennis', 'Frances', 'John', 'Hedy', 'Katherine', 'Edsger', 'Lucia', 'Mateo', 'Sofia', 'Noah', 'Amara', 'Yuki', 'Omar', 'Ines', 'Priya'];
export const LAST_NAMES = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Berners-Lee', 'Liskov', 'Thompson', 'Perlman', 'Ritchie', 'Allen', 'McCarthy', 'Lamarr', 'Johnson', 'Dijkstra', 'García', 'Fernández', 'Rossi', 'Müller', 'Okafor', 'Tanaka', 'Haddad', 'Silva', 'Patel'];
export const CITIES = ['Madrid', 'Barcelona', 'Lisbon', 'Porto', 'Paris', 'Lyon', 'Berlin', 'Munich', 'Milan', 'Rome', 'Amsterdam', 'Dublin', 'Toronto', 'Vancouver', 'Montreal', 'Calgary'];
export const MAIL_DOMAINS = ['example.com', 'mail.example', 'post.example', 'inbox.example'];
export const CURRENCIES = ['EUR', 'EUR', 'EUR', 'CAD', 'USD'];

export const PLANS: ReadonlyArray<{ code: string; name: string; price: number; gb: number }> = [
  { code: 'P-BASIC-5', name: 'Basic 5 GB', price: 9.99, gb: 5 },
  { code: 'P-SMART-20', name: 'Smart 20 GB', price: 19.99, gb: 20 },
  { code: 'P-MAX-50', name: 'Max 50 GB', price: 29.99, gb: 50 },
  { code: 'P-UNL-5G', name: 'Unlimited 5G', price: 44.99, gb: 1000 },
  { code: 'P-FAMILY-100', name: 'Family Share 100 GB', price: 59.99, gb: 100 },
  { code: 'P-BIZ-PRO', name: 'Business Pro', price: 39.99, gb: 80 },
  { code: 'P-BIZ-FLEET', name: 'Business Fleet', price: 24.99, gb: 30 },
  { code: 'P-YOUTH-15', name: 'Youth 15 GB', price: 12.99, gb: 15 },
  { code: 'P-SENIOR-3', name: 'Senior Easy 3 GB', price: 7.99, gb: 3 },
  { code: 'P-DATA-ONLY', name: 'Data Only Router', price: 34.99, gb: 500 },
  { code: 'P-TRAVEL-EU', name: 'Travel Europe', price: 27.99, gb: 40 },
  { code: 'P-PREPAID-1', name: 'Prepaid Starter', price: 4.99, gb: 1 },
];

export const DEVICES: ReadonlyArray<[maker: string, model: string]> = [
  ['Apple', 'iPhone 15'], ['Apple', 'iPhone 14'], ['Samsung', 'Galaxy S24'], ['Samsung', 'Galaxy A55'], ['Google', 'Pixel 8'],
  ['Fairphone', 'Fairphone 5'], ['Xiaomi', 'Redmi Note 13'], ['Nokia', 'G42'], ['Huawei', 'B535 Router'], ['Motorola', 'Edge 40'],
];

export const TOPICS: ReadonlyArray<[topic: string, text: string]> = [
  ['billing', 'Customer asked why the last invoice was higher than usual'],
  ['roaming', 'Question about roaming charges while travelling abroad'],
  ['coverage', 'Reported weak signal at home, indoor coverage check opened'],
  ['device', 'Phone does not connect to 5G after the latest update'],
  ['plan-change', 'Wants to move to a plan with more data'],
  ['porting', 'Asked how to bring a number over from another operator'],
  ['cancellation', 'Considering cancelling the line, retention offer made'],
  ['sim', 'Lost SIM card, replacement eSIM issued'],
];

export const CHANNELS = ['phone', 'chat', 'email', 'store'] as const;
export const STORE_COUNT = 40;
